/**
 * The settings of every Kafka client the project makes, stated once: the services' on either
 * library (kafkajs through kafkajs.options.ts, @platformatic/kafka through platformatic.options.ts)
 * and the benchmark's own clients (bench/src/kafka), so that the floor it measures runs the clients
 * as the services configure them. Nothing else sets a Kafka client's timeouts, retries or group
 * timing. The two libraries name these differently, and where one needs a value of its own because
 * of what its option means, that value is derived here and says why.
 */
export const KAFKA_CLIENT_SETTINGS = {
  /**
   * Opening a TCP connection to a broker. A broker that is down refuses at once (ECONNREFUSED), so
   * this bounds only a host that does not answer at all; 3 s leaves a busy machine room to accept.
   */
  connectTimeoutMs: 3000,
  /**
   * How long the client waits for the answer to a request it sent before it gives up on it (and
   * retries). A broker answers in milliseconds; 10 s is far beyond a slow answer, and a third of the
   * Java client's 30 s, so that a broker that hangs is noticed within one request. kafkajs lengthens
   * its timer for the requests a broker holds on purpose (JoinGroup, Fetch); @platformatic/kafka has
   * one timer for every request: {@link PLATFORMATIC_REQUEST_TIMEOUT_MS}.
   */
  requestTimeoutMs: 10_000,
  /**
   * The timeout a produce request carries to the broker: how long it may wait for the in-sync
   * replicas' acknowledgements (acks = all) before it answers REQUEST_TIMED_OUT. No longer than the
   * client waits for that answer ({@link requestTimeoutMs}), as in the Java client.
   */
  produceTimeoutMs: 10_000,
  /**
   * Retries of a request that failed in a way worth retrying (connection refused, no leader yet, …):
   * 4, after about 100, 200, 400 and 800 ms — doubling from `initialDelayMs`, at most `maxDelayMs`,
   * each ±`jitter` at random so that clients that failed together do not retry in step (kafkajs'
   * back-off, whose `multiplier` and `factor` these are). About 1.5 s in all: a broker that is
   * electing a leader or restarting its listener is given that long, and a publish during a broker
   * outage fails within about two seconds (ops answers 503 `KAFKA_UNAVAILABLE`, docs/guarantees.md)
   * instead of hanging. A consumer's own requests (fetch, heartbeat, commit) retry alike (but for
   * {@link singlePartitionConsumerRetries}):
   * @platformatic/kafka sends a failed fetch again to the same broker and gives up on its whole
   * stream (every partition) once the retries are spent, so a longer budget (15 retries, 12.5 s, was
   * tried) only kept every partition of a consumer still for as long when one broker died. Rebuilt,
   * a consumer goes on from what it committed — every consumer of the services commits what it
   * finished (ops' reply consumer and OpsClient too, in groups of their own), so a rebuild skips
   * nothing — and rebuilds again about a second apart until the controller has elected new leaders
   * (docs/operations.md, "Failures").
   */
  retry: { retries: 4, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 },
  /**
   * Retries of a consumer of one partition it names itself (ops' reply consumer): 15, about 12.5 s.
   * Its fetch has one leader to go to, and @platformatic/kafka sends it to the partition's new leader
   * once the metadata says so; a rebuild would instead leave and rejoin its group (seconds, more
   * while the group's coordinator moves) with no reply read meanwhile: the broker rolling restart
   * lost replies of a whole ops instance for about 4 s that way.
   */
  singlePartitionConsumerRetries: 15,
  /** Consumer-group membership, the same for every group of the services and of the benchmark. */
  group: {
    /**
     * A member the broker hears nothing from for this long is dead, and its partitions go to the
     * others: a crashed chain instance's requests move on within 10 s (Kafka's default is 45 s).
     */
    sessionTimeoutMs: 10_000,
    /**
     * A heartbeat a second, a tenth of the session timeout: several late or lost ones (an event loop
     * busy on two shared cores) do not end a healthy member's session.
     */
    heartbeatIntervalMs: 1000,
    /**
     * How long the broker waits for every member to rejoin in a rebalance: as long as noticing a dead
     * member, so that a member that does not rejoin holds the group up no longer than one that died.
     */
    rebalanceTimeoutMs: 10_000,
  },
  /**
   * How old the cached cluster metadata (partitions, leaders) may get before the client asks again:
   * partitions added to a topic, and a leader that moved without an error saying so, are seen within
   * 5 s, for one small Metadata request per client every 5 s. @platformatic/kafka's own default;
   * kafkajs' is five minutes.
   */
  metadataMaxAgeMs: 5000,
  /**
   * TCP keep-alive probes on a broker connection idle this long, so that a connection whose peer
   * vanished without a word (a host gone, a NAT entry dropped) is found dead. kafkajs' own value, set
   * by its socket factory (kafka-client.ts); @platformatic/kafka opens its sockets itself and has no
   * keep-alive option, so its connections go without.
   */
  socketKeepAliveDelayMs: 60_000,
} as const;

/**
 * What kafkajs adds to a JoinGroup request's timer beyond the rebalance timeout, for the network:
 * the broker may hold a JoinGroup answer for the whole rebalance.
 */
const JOIN_GROUP_NETWORK_ALLOWANCE_MS = 5000;

/**
 * @platformatic/kafka's `requestTimeout`. That library has one timer for every request, where
 * kafkajs lengthens its own for the requests a broker holds on purpose — JoinGroup up to the
 * rebalance timeout (+ 5 s), Fetch up to its max wait (+ 0.1 s). With the 10 s of
 * {@link KAFKA_CLIENT_SETTINGS.requestTimeoutMs} a consumer waiting in a 10 s rebalance would give up
 * on its own JoinGroup, so its timer is kafkajs' JoinGroup one: 15 s (which also covers a fetch of the
 * longest `KAFKA_FETCH_MAX_WAIT_MS`, 10 s).
 */
export const PLATFORMATIC_REQUEST_TIMEOUT_MS = Math.max(
  KAFKA_CLIENT_SETTINGS.requestTimeoutMs,
  KAFKA_CLIENT_SETTINGS.group.rebalanceTimeoutMs + JOIN_GROUP_NETWORK_ALLOWANCE_MS,
);

/**
 * The delay before retry number `attempt` (1 for the first) of {@link KAFKA_CLIENT_SETTINGS.retry}:
 * `initialDelayMs · multiplier^(attempt − 1)`, ±`jitter` at random, at most `maxDelayMs`. kafkajs
 * computes this schedule itself from its `retry` options (its jitter carries over from one delay to
 * the next); @platformatic/kafka is given this function as its `retryDelay`.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = KAFKA_CLIENT_SETTINGS.retry;
  const base = initialDelayMs * multiplier ** Math.max(0, attempt - 1);
  const jittered = base * (1 + jitter * (2 * random() - 1));
  return Math.min(Math.ceil(jittered), maxDelayMs);
}
