import { CROWD_CONNECTIONS, type CrowdConnections } from './crowd/crowd-target';

/** The parts of a run: the gateway over HTTP and over Kafka, the crowd series (with the peer), the floor. */
export type PhaseName = 'http' | 'kafka' | 'crowd' | 'floor';
/** Every phase, in the order they run. */
export const ALL_PHASES: readonly PhaseName[] = ['http', 'kafka', 'crowd', 'floor'];
/** Kafka clients the services (KAFKA_CLIENT) and the floor are measured on: kafkajs and @platformatic/kafka. */
export type KafkaClientName = 'kafkajs' | 'platformatic';
export const ALL_KAFKA_CLIENTS: readonly KafkaClientName[] = ['kafkajs', 'platformatic'];

/** Everything a run is told. Durations in seconds. */
export interface BenchConfig {
  quick: boolean;
  phases: PhaseName[];
  /** Open-loop offered rates (req/s) of the gateway phases. */
  rates: number[];
  /** Open-loop offered rates of the floor (default: the same). */
  floorRates: number[];
  /** Clients the floor is measured with, in this order (default: both). */
  floorClients: KafkaClientName[];
  /** KAFKA_CLIENT of the services in the gateway phases, one set of series each (default: both). */
  gatewayClients: KafkaClientName[];
  warmupS: number;
  /** Unmeasured load before a series' first step, so JIT and caches are warm (`--settle`). */
  settleS: number;
  durationS: number;
  closedWarmupS: number;
  closedDurationS: number;
  /** Closed loop: requests outstanding at once (HTTP connections / Kafka uids in flight). */
  concurrency: number;
  /** Most HTTP connections the open-loop generator opens. */
  httpSockets: number;
  /** Wait for late answers after a step, before counting them missing. */
  drainS: number;
  /** Crowd series: how its HTTP clients open connections (`--crowd-connections`). */
  crowdConnections: CrowdConnections;
  /** Crowd series: keep-alive connections of the closed loop that measures the capacity C. */
  crowdConcurrency: number;
  /** Crowd series: open-loop steps as multiples of C, lowest first (`--crowd-multiples`). */
  crowdMultiples: number[];
  /** Crowd series: measured seconds per step. */
  crowdDurationS: number;
  /**
   * Run the services under TOPIC_PREFIX=bench.<run>. (their own ops.req, chainN.req, ops.resp and
   * consumer groups, deleted at the end) — false with --shared-topics: the contract's plain names.
   */
  isolatedTopics: boolean;
  /** Readers of ops' console feed (/console/events) held open during the gateway series (`--console-watchers`; 0: none). */
  consoleWatchers: number;
  kafkaBrokers: string;
  etcdEndpoints: string;
}

export const DEFAULTS = {
  rates: [250, 500, 1000, 2000, 3000],
  warmupS: 3,
  settleS: 15,
  durationS: 10,
  closedWarmupS: 3,
  closedDurationS: 10,
  concurrency: 128,
  httpSockets: 512,
  drainS: 8,
  crowdConcurrency: 64,
  crowdMultiples: [0.5, 1, 1.5, 3],
  crowdDurationS: 15,
} as const;

export const QUICK = {
  rates: [200, 500],
  warmupS: 1,
  settleS: 2,
  durationS: 3,
  closedWarmupS: 1,
  closedDurationS: 3,
  concurrency: 64,
  crowdDurationS: 4,
} as const;

export const USAGE = `usage: npm run bench -- [options]

  --quick                 smoke run: 2 short steps (${QUICK.rates.join(', ')} req/s, ${QUICK.durationS} s) and a ${QUICK.closedDurationS} s closed loop
  --rates=A,B,…           open-loop rates in req/s        (BENCH_RATES, default ${DEFAULTS.rates.join(',')})
  --floor-rates=A,B,…     open-loop rates of the floor    (BENCH_FLOOR_RATES, default: --rates)
  --duration=S            seconds measured per step       (BENCH_DURATION, default ${DEFAULTS.durationS})
  --warmup=S              warm-up seconds before a step   (BENCH_WARMUP, default ${DEFAULTS.warmupS})
  --settle=S              unmeasured seconds of load before a series' first step, at
                          min(1000, highest rate) req/s  (BENCH_SETTLE, default ${DEFAULTS.settleS})
  --closed-duration=S     seconds of the closed loop      (BENCH_CLOSED_DURATION, default ${DEFAULTS.closedDurationS})
  --concurrency=N         closed-loop requests in flight  (BENCH_CONCURRENCY, default ${DEFAULTS.concurrency})
  --http-sockets=N        most HTTP connections           (BENCH_HTTP_SOCKETS, default ${DEFAULTS.httpSockets})
  --drain=S               wait for late answers per step  (BENCH_DRAIN, default ${DEFAULTS.drainS})
  --phases=http,kafka,crowd,floor  which parts to run     (BENCH_PHASES, default all)
  --crowd-connections=as-needed|per-request  crowd: a keep-alive agent without a socket limit, or a
                          new connection per request    (BENCH_CROWD_CONNECTIONS, default as-needed)
  --crowd-concurrency=N   crowd: connections of the closed loop measuring the capacity C
                                                          (BENCH_CROWD_CONCURRENCY, default ${DEFAULTS.crowdConcurrency})
  --crowd-multiples=A,B,… crowd: open-loop steps at these multiples of C (lowest first), then the
                          recovery from the highest to the lowest (BENCH_CROWD_MULTIPLES, default ${DEFAULTS.crowdMultiples.join(',')})
  --crowd-duration=S      crowd: seconds measured per step (BENCH_CROWD_DURATION, default ${DEFAULTS.crowdDurationS}, --quick ${QUICK.crowdDurationS})
  --floor-client=kafkajs,platformatic  clients of the floor (BENCH_FLOOR_CLIENTS, default both):
                          floor-1hop/-fanout on kafkajs, floor-1hop-pk/-fanout-pk on @platformatic/kafka
  --gateway-client=kafkajs,platformatic  KAFKA_CLIENT of the services (BENCH_GATEWAY_CLIENTS,
                          default both): series http/kafka on kafkajs, http-pk/kafka-pk on @platformatic/kafka
  --console-watchers=N    keep N readers of ops' operator console feed (/console/events) open during
                          the gateway series, as N open consoles (BENCH_CONSOLE_WATCHERS, default 0)
  --shared-topics         use the plain topic names (ops.req, chainN.req) instead of a
                          TOPIC_PREFIX of the run's own  (BENCH_SHARED_TOPICS=1)
  --help

Kafka and etcd: KAFKA_BROKERS (default 127.0.0.1:9092), ETCD_ENDPOINTS (default http://127.0.0.1:2379).`;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

const KNOWN = new Set([
  'quick',
  'help',
  'rates',
  'floor-rates',
  'duration',
  'warmup',
  'settle',
  'closed-duration',
  'concurrency',
  'http-sockets',
  'drain',
  'phases',
  'floor-client',
  'gateway-client',
  'shared-topics',
  'console-watchers',
  'crowd-connections',
  'crowd-concurrency',
  'crowd-multiples',
  'crowd-duration',
]);

/** `--name=value` / `--name value` flags into a map (`--quick` → "true"). */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (arg === '--quick' || arg === '--help' || arg === '--shared-topics') flags.set(arg.slice(2), 'true');
    else if (!KNOWN.has(arg.slice(2))) throw new ConfigError(`unknown option ${arg}`);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return flags;
}

function num(raw: string, what: string, min: number, max: number, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`${what} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got "${raw}"`);
  }
  return n;
}

function rateList(raw: string, what: string): number[] {
  const rates = raw.split(',').map((r) => num(r, what, 1, 50_000, true));
  if (rates.length === 0 || rates.length > 20) throw new ConfigError(`${what}: 1 to 20 rates`);
  return rates;
}

function crowdConnections(raw: string | undefined): CrowdConnections {
  if (raw === undefined) return CROWD_CONNECTIONS[0] as CrowdConnections;
  const found = CROWD_CONNECTIONS.find((c) => c === raw.trim());
  if (!found) throw new ConfigError(`--crowd-connections must be ${CROWD_CONNECTIONS.join(' or ')}, got "${raw}"`);
  return found;
}

function multipleList(raw: string | undefined): number[] {
  if (raw === undefined) return [...DEFAULTS.crowdMultiples];
  const multiples = raw.split(',').map((m) => num(m, '--crowd-multiples', 0.01, 20, false));
  if (multiples.length > 10) throw new ConfigError('--crowd-multiples: 1 to 10 multiples');
  return [...new Set(multiples)].sort((a, b) => a - b);
}

/** The configuration from flags (first), then BENCH_* variables, then the defaults (or --quick's). */
export function parseConfig(argv: readonly string[], env: Env): BenchConfig {
  const flags = parseFlags(argv);
  for (const name of flags.keys()) if (!KNOWN.has(name)) throw new ConfigError(`unknown option --${name}`);
  const pick = (flag: string, variable: string): string | undefined => flags.get(flag) ?? env[variable];
  const quick = flags.get('quick') === 'true' || env['BENCH_QUICK'] === '1';
  const base = quick ? { ...DEFAULTS, ...QUICK } : DEFAULTS;

  const seconds = (flag: string, variable: string, fallback: number, min = 0.5): number => {
    const raw = pick(flag, variable);
    return raw === undefined ? fallback : num(raw, `--${flag}`, min, 600, false);
  };
  const integer = (flag: string, variable: string, fallback: number, max: number): number => {
    const raw = pick(flag, variable);
    return raw === undefined ? fallback : num(raw, `--${flag}`, 1, max, true);
  };

  const ratesRaw = pick('rates', 'BENCH_RATES');
  const rates = ratesRaw === undefined ? [...base.rates] : rateList(ratesRaw, '--rates');
  const floorRaw = pick('floor-rates', 'BENCH_FLOOR_RATES');
  const phasesRaw = pick('phases', 'BENCH_PHASES');
  const phases = phasesRaw === undefined ? [...ALL_PHASES] : phasesRaw.split(',').map((p) => p.trim());
  for (const p of phases)
    if (!(ALL_PHASES as readonly string[]).includes(p)) throw new ConfigError(`unknown phase "${p}" (${ALL_PHASES.join(', ')})`);

  const clientList = (flag: string, variable: string, what: string): KafkaClientName[] => {
    const raw = pick(flag, variable);
    const clients = raw === undefined ? [...ALL_KAFKA_CLIENTS] : raw.split(',').map((c) => c.trim());
    for (const c of clients)
      if (!(ALL_KAFKA_CLIENTS as readonly string[]).includes(c))
        throw new ConfigError(`unknown ${what} client "${c}" (${ALL_KAFKA_CLIENTS.join(', ')})`);
    return ALL_KAFKA_CLIENTS.filter((c) => clients.includes(c));
  };

  return {
    quick,
    phases: ALL_PHASES.filter((p) => phases.includes(p)),
    floorClients: clientList('floor-client', 'BENCH_FLOOR_CLIENTS', 'floor'),
    gatewayClients: clientList('gateway-client', 'BENCH_GATEWAY_CLIENTS', 'gateway'),
    rates,
    floorRates: floorRaw === undefined ? rates : rateList(floorRaw, '--floor-rates'),
    warmupS: seconds('warmup', 'BENCH_WARMUP', base.warmupS, 0),
    settleS: seconds('settle', 'BENCH_SETTLE', base.settleS, 0),
    durationS: seconds('duration', 'BENCH_DURATION', base.durationS),
    closedWarmupS: base.closedWarmupS,
    closedDurationS: seconds('closed-duration', 'BENCH_CLOSED_DURATION', base.closedDurationS),
    concurrency: integer('concurrency', 'BENCH_CONCURRENCY', base.concurrency, 5000),
    httpSockets: integer('http-sockets', 'BENCH_HTTP_SOCKETS', base.httpSockets, 5000),
    drainS: seconds('drain', 'BENCH_DRAIN', base.drainS, 1),
    crowdConnections: crowdConnections(pick('crowd-connections', 'BENCH_CROWD_CONNECTIONS')),
    crowdConcurrency: integer('crowd-concurrency', 'BENCH_CROWD_CONCURRENCY', base.crowdConcurrency, 5000),
    crowdMultiples: multipleList(pick('crowd-multiples', 'BENCH_CROWD_MULTIPLES')),
    crowdDurationS: seconds('crowd-duration', 'BENCH_CROWD_DURATION', base.crowdDurationS, 1),
    isolatedTopics: !(flags.get('shared-topics') === 'true' || env['BENCH_SHARED_TOPICS'] === '1'),
    consoleWatchers: integer('console-watchers', 'BENCH_CONSOLE_WATCHERS', 0, 100),
    kafkaBrokers: localOnly(env['KAFKA_BROKERS'] ?? '127.0.0.1:9092', 'KAFKA_BROKERS'),
    etcdEndpoints: localOnly(env['ETCD_ENDPOINTS'] ?? 'http://127.0.0.1:2379', 'ETCD_ENDPOINTS'),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The benchmark only ever loads this machine: every host of a list must be a loopback one. */
export function localOnly(list: string, variable: string): string {
  for (const entry of list.split(',')) {
    const host = entry
      .trim()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/:\d+\/?$/, '');
    if (!LOOPBACK.has(host)) throw new ConfigError(`${variable}: the benchmark only targets this machine (127.0.0.1), got "${entry}"`);
  }
  return list;
}

/** The help text was asked for. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
