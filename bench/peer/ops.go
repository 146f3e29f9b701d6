package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// ops: an HTTP server whose handlers scatter each request to the chains' topics and wait on a
// channel of their own for the replies, which one consumer of ops.resp routes to them by uid.
type ops struct {
	cfg      config
	producer *kgo.Client
	stopping <-chan struct{}

	mu      sync.Mutex
	waiting map[string]chan chainReply // uid -> the handler's channel

	assigned   atomic.Bool // the replies consumer has its partitions
	producerOK atomic.Bool // the topics exist and a metadata round succeeded
}

// serviceResult is one chain's part of the aggregate.
type serviceResult struct {
	Status    string          `json:"status"` // ok | error | timeout
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *chainError     `json:"error,omitempty"`
	LatencyMs *int64          `json:"latencyMs,omitempty"`
}

// aggregate is the answer to POST /requests.
type aggregate struct {
	UID       string                   `json:"uid"`
	Status    string                   `json:"status"` // complete | partial
	Results   map[string]serviceResult `json:"results"`
	Missing   []string                 `json:"missing"`
	ElapsedMs int64                    `json:"elapsedMs"`
}

type errorAnswer struct {
	UID    string     `json:"uid,omitempty"`
	Status string     `json:"status"`
	Error  chainError `json:"error"`
}

func runOps(ctx context.Context, cfg config) error {
	producer, err := newClient(cfg, "peer-ops")
	if err != nil {
		return err
	}
	defer producer.Close()
	o := &ops{cfg: cfg, producer: producer, stopping: ctx.Done(), waiting: map[string]chan chainReply{}}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /requests", o.handleRequest)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		ready := o.assigned.Load() && o.producerOK.Load()
		status := http.StatusOK
		if !ready {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, map[string]bool{"ready": ready})
	})
	addr := fmt.Sprintf("127.0.0.1:%d", cfg.httpPort)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	topics := []string{replyTopic(cfg)}
	for _, c := range chains {
		topics = append(topics, requestTopic(cfg, c))
	}
	if err := createTopics(ctx, producer, cfg.partitions, topics...); err != nil {
		return shutdown(srv, nil)
	}
	o.producerOK.Store(true)

	consumer, err := newClient(cfg, "peer-ops",
		kgo.ConsumerGroup(cfg.topicPrefix+"peer-ops-replies"),
		kgo.ConsumeTopics(replyTopic(cfg)),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
			if len(assigned[replyTopic(cfg)]) > 0 {
				o.assigned.Store(true)
			}
		}),
		kgo.OnPartitionsLost(func(context.Context, *kgo.Client, map[string][]int32) { o.assigned.Store(false) }),
	)
	if err != nil {
		return shutdown(srv, err)
	}
	defer consumer.Close()
	log.Printf("started: http://%s, asking %v, replies on %s", addr, topics[1:], topics[0])

	go o.routeReplies(ctx, consumer)
	select {
	case <-ctx.Done():
		return shutdown(srv, nil)
	case err := <-served:
		return err
	}
}

// shutdown stops the HTTP server (waiting handlers answer at once: they watch o.stopping).
func shutdown(srv *http.Server, err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	return err
}

// routeReplies is the one response consumer: each reply goes to the channel of its uid, if a
// handler still waits for it.
func (o *ops) routeReplies(ctx context.Context, consumer *kgo.Client) {
	for {
		fetches := consumer.PollFetches(ctx)
		if fetches.IsClientClosed() || ctx.Err() != nil {
			return
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				log.Printf("fetch %s[%d]: %v", t, p, err)
			}
		})
		fetches.EachRecord(func(rec *kgo.Record) {
			var reply chainReply
			if json.Unmarshal(rec.Value, &reply) != nil {
				return
			}
			o.mu.Lock()
			ch := o.waiting[reply.UID]
			o.mu.Unlock()
			if ch != nil {
				select {
				case ch <- reply:
				default: // full: only duplicates can fill it
				}
			}
		})
	}
}

func (o *ops) handleRequest(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var body struct {
		Payload   json.RawMessage `json:"payload"`
		TimeoutMs int64           `json:"timeoutMs"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, errorAnswer{Status: "error",
			Error: chainError{Code: "INVALID_REQUEST", Message: "body is not valid JSON: " + err.Error()}})
		return
	}
	timeout := o.cfg.timeout
	if body.TimeoutMs > 0 {
		timeout = time.Duration(body.TimeoutMs) * time.Millisecond
	}
	deadline := start.Add(timeout)

	uid := newUID()
	replies := make(chan chainReply, len(chains))
	o.mu.Lock()
	o.waiting[uid] = replies
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		delete(o.waiting, uid)
		o.mu.Unlock()
	}()

	value, _ := json.Marshal(chainRequest{UID: uid, Payload: body.Payload, Deadline: deadline.UnixMilli()})
	records := make([]*kgo.Record, len(chains))
	for i, c := range chains {
		records[i] = &kgo.Record{Topic: requestTopic(o.cfg, c), Key: []byte(uid), Value: value}
	}
	produceCtx, cancel := context.WithDeadline(r.Context(), deadline)
	err := o.producer.ProduceSync(produceCtx, records...).FirstErr()
	cancel()
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, errorAnswer{UID: uid, Status: "error",
			Error: chainError{Code: "BROADCAST_FAILED", Message: err.Error()}})
		return
	}

	results := make(map[string]serviceResult, len(chains))
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
wait:
	for len(results) < len(chains) {
		select {
		case reply := <-replies:
			if _, seen := results[reply.Service]; seen || !isChain(reply.Service) {
				continue
			}
			ms := time.Since(start).Milliseconds()
			if reply.OK {
				results[reply.Service] = serviceResult{Status: "ok", Result: reply.Result, LatencyMs: &ms}
			} else {
				results[reply.Service] = serviceResult{Status: "error", Error: reply.Error, LatencyMs: &ms}
			}
		case <-timer.C:
			break wait
		case <-o.stopping:
			break wait
		case <-r.Context().Done():
			return // the client is gone
		}
	}

	answer := aggregate{UID: uid, Status: "complete", Results: results, Missing: []string{}}
	for _, c := range chains {
		if _, ok := results[c]; !ok {
			results[c] = serviceResult{Status: "timeout"}
			answer.Missing = append(answer.Missing, c)
		}
	}
	status := http.StatusOK
	if len(answer.Missing) > 0 {
		answer.Status = "partial"
	}
	if len(answer.Missing) == len(chains) {
		status = http.StatusGatewayTimeout
	}
	answer.ElapsedMs = time.Since(start).Milliseconds()
	writeJSON(w, status, answer)
}

func isChain(name string) bool {
	for _, c := range chains {
		if c == name {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"status":"error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newUID is a random (version 4) UUID.
func newUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	hex.Encode(s[9:13], b[4:6])
	hex.Encode(s[14:18], b[6:8])
	hex.Encode(s[19:23], b[8:10])
	hex.Encode(s[24:], b[10:])
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return string(s[:])
}
