package main

import (
	"context"
	"encoding/json"
	"errors"
	"log"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// chainRequest is what ops broadcasts on <prefix><chain>.req.
type chainRequest struct {
	UID      string          `json:"uid"`
	Payload  json.RawMessage `json:"payload"`
	Deadline int64           `json:"deadline"`
}

// chainReply is what a chain produces to <prefix>ops.resp.
type chainReply struct {
	UID     string          `json:"uid"`
	Service string          `json:"service"`
	OK      bool            `json:"ok"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *chainError     `json:"error,omitempty"`
}

// runChain consumes the chain's request topic in its own consumer group and produces one reply
// per request (skipping those whose deadline has passed) until ctx is done.
func runChain(ctx context.Context, cfg config, name string) error {
	work := workers[name]
	topic := requestTopic(cfg, name)

	producer, err := newClient(cfg, "peer-"+name,
		kgo.DefaultProduceTopic(replyTopic(cfg)),
		// Metadata answers are cached this long; the default 5 s would slow the wait for the topic.
		kgo.MetadataMinAge(500*time.Millisecond))
	if err != nil {
		return err
	}
	defer producer.Close()
	if err := waitForTopic(ctx, producer, topic); err != nil {
		return nil // stopped while waiting
	}

	consumer, err := newClient(cfg, "peer-"+name,
		kgo.ConsumerGroup(cfg.topicPrefix+"peer-"+name),
		kgo.ConsumeTopics(topic))
	if err != nil {
		return err
	}
	defer consumer.Close()
	log.Printf("started: consuming %s, replying on %s", topic, replyTopic(cfg))

	var produceErrors atomic.Int64
	onProduced := func(_ *kgo.Record, err error) {
		if err != nil && produceErrors.Add(1)%1000 == 1 {
			log.Printf("reply not produced (%d so far): %v", produceErrors.Load(), err)
		}
	}

	for {
		fetches := consumer.PollFetches(ctx)
		if fetches.IsClientClosed() || ctx.Err() != nil {
			break
		}
		fetches.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				log.Printf("fetch %s[%d]: %v", t, p, err)
			}
		})
		now := time.Now().UnixMilli()
		fetches.EachRecord(func(rec *kgo.Record) {
			var req chainRequest
			if err := json.Unmarshal(rec.Value, &req); err != nil || req.UID == "" {
				log.Printf("skipped an undecodable request at %s[%d]@%d", rec.Topic, rec.Partition, rec.Offset)
				return
			}
			if req.Deadline > 0 && req.Deadline <= now {
				return // ops stopped waiting for it
			}
			reply := chainReply{UID: req.UID, Service: name}
			if result, err := work(req.Payload); err != nil {
				var ce *chainError
				if !errors.As(err, &ce) {
					ce = &chainError{Code: "HANDLER_ERROR", Message: err.Error()}
				}
				reply.Error = ce
			} else if reply.Result, err = json.Marshal(result); err != nil {
				reply.Error = &chainError{Code: "HANDLER_ERROR", Message: err.Error()}
			} else {
				reply.OK = true
			}
			value, _ := json.Marshal(reply)
			// Not ctx: a reply already computed is still sent (flushed) when stopping.
			producer.Produce(context.Background(), &kgo.Record{Key: rec.Key, Value: value}, onProduced)
		})
	}

	// Stopping: send what is buffered (briefly), then the deferred Closes leave the group.
	flushCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = producer.Flush(flushCtx)
	return nil
}
