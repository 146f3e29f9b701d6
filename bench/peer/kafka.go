package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// chains are the services ops asks; each reads <prefix><name>.req.
var chains = []string{"chain1", "chain2", "chain3"}

func requestTopic(cfg config, chain string) string { return cfg.topicPrefix + chain + ".req" }
func replyTopic(cfg config) string                 { return cfg.topicPrefix + "ops.resp" }

// newClient is a franz-go client on the configured brokers with its defaults, but for a low linger.
func newClient(cfg config, clientID string, opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{
		kgo.SeedBrokers(cfg.brokers...),
		kgo.ClientID(clientID),
		kgo.ProducerLinger(cfg.linger),
	}
	return kgo.NewClient(append(base, opts...)...)
}

// createTopics creates the topics that are missing, then waits until the metadata shows them all.
func createTopics(ctx context.Context, cl *kgo.Client, partitions int32, topics ...string) error {
	adm := kadm.NewClient(cl)
	for {
		created, err := adm.CreateTopics(ctx, partitions, 1, nil, topics...)
		if err == nil {
			for _, r := range created {
				if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
					err = fmt.Errorf("create %s: %w", r.Topic, r.Err)
					break
				}
			}
		}
		if err == nil {
			var listed kadm.TopicDetails
			if listed, err = adm.ListTopics(ctx, topics...); err == nil {
				for _, t := range topics {
					if !listed.Has(t) || listed[t].Err != nil {
						err = fmt.Errorf("topic %s not in metadata yet", t)
						break
					}
				}
			}
		}
		if err == nil {
			return nil
		}
		log.Printf("topics not ready (%v); retrying", err)
		if !sleep(ctx, time.Second) {
			return ctx.Err()
		}
	}
}

// waitForTopic polls the metadata until topic exists (ops creates it).
func waitForTopic(ctx context.Context, cl *kgo.Client, topic string) error {
	adm := kadm.NewClient(cl)
	logged := false
	for {
		listed, err := adm.ListTopics(ctx, topic)
		if err == nil && listed.Has(topic) && listed[topic].Err == nil {
			return nil
		}
		if !logged {
			log.Printf("waiting for topic %s", topic)
			logged = true
		}
		if !sleep(ctx, 500*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// sleep waits d or until ctx is done; false when ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
