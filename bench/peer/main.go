// Command seed-peer is the seed article's design written plainly in Go: one ops process that
// scatters each HTTP request to three chain topics and gathers the replies by uid, and three chain
// processes that answer them. The benchmark runs it beside the TypeScript gateway as a speed
// reference; it has no discovery, no validation beyond JSON decoding, no DLQ and no tracing.
//
// Usage:
//
//	seed-peer ops
//	seed-peer chain chain1|chain2|chain3
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is read from the environment; see docs/benchmark.md, "The reference peer".
type config struct {
	brokers     []string
	topicPrefix string
	httpPort    int
	timeout     time.Duration
	partitions  int32
	linger      time.Duration
}

func loadConfig() (config, error) {
	var cfg config
	var err error
	cfg.brokers = strings.Split(env("KAFKA_BROKERS", "127.0.0.1:9092"), ",")
	cfg.topicPrefix = env("TOPIC_PREFIX", "")
	if cfg.httpPort, err = envInt("PEER_HTTP_PORT", 8090, 1, 65535); err != nil {
		return cfg, err
	}
	timeoutMs, err := envInt("PEER_TIMEOUT_MS", 3000, 1, 600_000)
	if err != nil {
		return cfg, err
	}
	cfg.timeout = time.Duration(timeoutMs) * time.Millisecond
	partitions, err := envInt("PEER_TOPIC_PARTITIONS", 3, 1, 1000)
	if err != nil {
		return cfg, err
	}
	cfg.partitions = int32(partitions)
	lingerMs, err := envInt("PEER_LINGER_MS", 1, 0, 1000)
	if err != nil {
		return cfg, err
	}
	cfg.linger = time.Duration(lingerMs) * time.Millisecond
	return cfg, nil
}

func env(name, fallback string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return fallback
}

func envInt(name string, fallback, min, max int) (int, error) {
	v := env(name, "")
	if v == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("%s=%q: want an integer from %d to %d", name, v, min, max)
	}
	return n, nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: seed-peer ops | seed-peer chain chain1|chain2|chain3")
	os.Exit(2)
}

func main() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	if len(os.Args) < 2 {
		usage()
	}
	cfg, err := loadConfig()
	if err != nil {
		log.Fatalf("seed-peer: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	switch os.Args[1] {
	case "ops":
		log.SetPrefix("peer-ops ")
		err = runOps(ctx, cfg)
	case "chain":
		if len(os.Args) != 3 || workers[os.Args[2]] == nil {
			usage()
		}
		log.SetPrefix("peer-" + os.Args[2] + " ")
		err = runChain(ctx, cfg, os.Args[2])
	default:
		usage()
	}
	if err != nil {
		log.Printf("fatal: %v", err)
		os.Exit(1)
	}
}
