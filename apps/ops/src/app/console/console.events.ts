/**
 * What the operator console (`/console`) is fed: the shapes of its Server-Sent Events stream
 * (`/console/events`) and of its two JSON lookups. The page (apps/ops/src/assets/console) reads
 * exactly these; ops writes them (console.feed.ts). Times are epoch ms unless a name says otherwise.
 */

/** One instance of a service as etcd lists it. */
export interface ConsoleInstance {
  instanceId: string;
  /** True once the instance announced it is shutting down (it takes no new work). */
  draining: boolean;
  /** Seconds left on its etcd lease (it leaves when this reaches 0 without a keep-alive); null when not known. */
  leaseTtlS: number | null;
  /** The partitions of its request topic it consumes now (chains), or the `ops.resp` partition it claimed (ops). */
  partitions: number[];
  /** Where it runs, when the record says (host name, pid). */
  host?: string;
}

/** A service and its live instances. */
export interface ConsoleService {
  name: string;
  kind: 'chain' | 'gateway';
  topic: string;
  instances: ConsoleInstance[];
}

/** Everything etcd says about who is there, and when that was read. */
export interface ConsoleTopology {
  at: number;
  services: ConsoleService[];
}

/**
 * One second of traffic of one series (`gateway`, or a chain's name). `counts` by outcome:
 * the gateway's are `complete`, `partial`, `error`; a chain's are `ok`, `error`, `timeout`, `left`.
 * Latency percentiles of what was answered in that second, or null when nothing was.
 */
export interface TrafficSecond {
  /** Epoch seconds. */
  t: number;
  counts: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** The gateway's own load in one second. */
export interface LoadSecond {
  /** Epoch seconds. */
  t: number;
  /** Requests running at the end of the second, and the admission limit then. */
  inFlight: number;
  limit: number;
  /**
   * HTTP requests refused at the door in that second (503 `OVERLOADED` before their body is read):
   * they never reach the gateway, so they are not in the `gateway` series' `error` count.
   */
  shed: number;
  /** Messages ops and the chains dead-lettered in that second (what ops read on `ops.dlq`). */
  deadLettered: number;
}

/** The last `windowS` seconds: one entry per second, oldest first, per series. */
export interface ConsoleTraffic {
  windowS: number;
  series: Record<string, TrafficSecond[]>;
  load: LoadSecond[];
}

/** One chain's part in a request: from its send to its reply. */
export interface ConsoleChainPart {
  service: string;
  /** `unsent`: its broadcast message never reached Kafka. */
  status: 'ok' | 'error' | 'timeout' | 'left' | 'pending' | 'unsent';
  /** The instance that replied (header `instance-id` of its reply), when it replied. */
  instance?: string;
  /** The error a chain reported. */
  errorCode?: string;
  errorMessage?: string;
  /** ms from the request's start until its message was acknowledged by Kafka / its reply arrived. */
  sentMs?: number;
  repliedMs?: number;
}

/** A request ops answered, as the console keeps it. */
export interface ConsoleRequest {
  uid: string;
  traceId?: string;
  via: 'http' | 'kafka';
  /** `error`: the gateway answered with an error of its own (`errorCode`), no aggregate. */
  status: 'complete' | 'partial' | 'error';
  errorCode?: string;
  errorMessage?: string;
  startedAt: number;
  elapsedMs: number;
  /** ms from the start to the deadline. */
  deadlineMs: number;
  /** ms from the start until every broadcast send had settled (or the answer was formed first). */
  broadcastMs?: number;
  chains: ConsoleChainPart[];
}

/** An entry of `ops.dlq` as ops read it. */
export interface ConsoleDeadLetter {
  /** The dead letter's own record time. */
  at: number;
  /** `dlq-reason`: the error code, then why. */
  reason: string;
  /** `dlq-service`: who dead-lettered it. */
  service: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  key: string | null;
  /** The first bytes of the value as UTF-8 (at most 256), as text: the page shows it escaped. */
  valueHead: string;
  /** The value's full size in bytes. */
  valueBytes: number;
}

/** The first event of a connection (`event: hello`): everything the page shows, at once. */
export interface ConsoleHello {
  /** The ops instance that serves this console, and its `ops.resp` partition. */
  instance: { instanceId: string; replyPartition: number | null; startedAt: number; ringSize: number };
  topology: ConsoleTopology;
  traffic: ConsoleTraffic;
  requests: ConsoleRequestLists;
  /** Newest first. */
  deadLetters: ConsoleDeadLetter[];
}

/** The request lists of the page. */
export interface ConsoleRequestLists {
  /** Newest answered first. */
  recent: ConsoleRequest[];
  /** Slowest first, of those still in the ring. */
  slowest: ConsoleRequest[];
  /** Newest answered first: partial answers and gateway errors. */
  partial: ConsoleRequest[];
}

/**
 * The events after `hello`, each `event: <name>` with JSON `data`:
 * - `topology`: a {@link ConsoleTopology}, when it changed and once a second (lease time left);
 * - `traffic`: {@link ConsoleTrafficTick}, once a second;
 * - `requests`: {@link ConsoleRequest}[] answered since the last one, in the order they were
 *   answered (at most four events a second, of at most 100 requests: under heavier traffic the
 *   ones not complete, the slowest and the newest; the search finds the others);
 * - `dead-letters`: {@link ConsoleDeadLetter}[] read since the last one, in the order they were read.
 */
export interface ConsoleTrafficTick {
  /** The second that just ended, per series (a series that appears for the first time starts here). */
  series: Record<string, TrafficSecond>;
  load: LoadSecond;
}

/**
 * `GET /console/requests?q=<uid or trace id>`: the requests of the ring that match — the one whose
 * uid or trace id is `q`, else those whose uid or trace id starts with `q` (4 characters or more) —
 * newest answered first.
 */
export interface ConsoleSearchResult {
  requests: ConsoleRequest[];
}
