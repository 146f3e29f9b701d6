import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../load/clock';
import { ChildService } from '../procs/child';
import { PAYLOAD } from '../targets/classify';
import { freePort } from './free-port';

export interface PeerServicesOptions {
  repo: string;
  logDir: string;
  runId: string;
  kafkaBrokers: string;
}

/** What the benchmark reads of a peer process: its pid, for the CPU/RSS sampler. */
export interface ChildProcessLike {
  readonly pid: number | undefined;
}

const PEER_CHAINS = ['chain1', 'chain2', 'chain3'] as const;

/** A probe waits 1 s at most for the chains (the peer's own default is 3 s), so probes come often. */
const PROBE_BODY = JSON.stringify({ payload: PAYLOAD, timeoutMs: 1000 });

/**
 * The Go reference peer (bench/peer, built to dist/bench/peer/seed-peer): `seed-peer chain
 * chain1..3` and `seed-peer ops`, on topics of this run's own. Used like {@link Services}.
 */
export class PeerServices {
  private readonly children = new Map<string, ChildService>();
  readonly processes: Map<string, ChildProcessLike> = this.children;
  port = 0;

  static binary(repo: string): string {
    return join(repo, 'dist/bench/peer/seed-peer');
  }

  static available(repo: string): boolean {
    return existsSync(PeerServices.binary(repo));
  }

  constructor(private readonly options: PeerServicesOptions) {}

  /** TOPIC_PREFIX of the peer: its four topics and its consumer groups start with it. */
  topicPrefix(): string {
    return `bench.${this.options.runId}-peer.`;
  }

  private get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the chains, then ops; resolves when ops is ready and has answered one request `complete`. */
  async start(): Promise<void> {
    mkdirSync(this.options.logDir, { recursive: true });
    this.port = await freePort();
    for (const chain of PEER_CHAINS) this.spawn(`peer-${chain}`, ['chain', chain], {});
    this.spawn('peer-ops', ['ops'], { PEER_HTTP_PORT: String(this.port) });
    const ready = await pollUntil(
      async () => {
        this.assertAlive();
        return (await readyStatus(`${this.url}/readyz`)) === 200;
      },
      90_000,
      250,
    );
    if (!ready) throw new Error(`peer ops at ${this.url} not ready within 90 s (logs: ${this.options.logDir})`);
    let last = 'no answer';
    const complete = await pollUntil(
      async () => {
        this.assertAlive();
        last = await probe(`${this.url}/requests`);
        return last === 'complete';
      },
      60_000,
      250,
    );
    if (!complete) throw new Error(`peer ops did not answer "complete" within 60 s (last: ${last}; logs: ${this.options.logDir})`);
  }

  /** SIGTERM to every peer process (ops first, so it stops taking requests), then waits for them. */
  async stop(): Promise<Record<string, number | null>> {
    const codes: Record<string, number | null> = {};
    const ops = this.children.get('peer-ops');
    if (ops) codes['peer-ops'] = await ops.stop();
    await Promise.all([...this.children].filter(([n]) => n !== 'peer-ops').map(async ([n, child]) => (codes[n] = await child.stop())));
    this.children.clear();
    return codes;
  }

  private spawn(name: string, args: string[], extra: Record<string, string>): void {
    const env = { KAFKA_BROKERS: this.options.kafkaBrokers, TOPIC_PREFIX: this.topicPrefix(), ...extra };
    const child = ChildService.spawnExecutable(name, PeerServices.binary(this.options.repo), args, env, this.options.logDir);
    this.children.set(name, child);
  }

  private assertAlive(): void {
    for (const [name, child] of this.children) {
      if (child.hasExited) throw new Error(`${name} exited during start-up (log: ${join(this.options.logDir, `${name}.log`)})`);
    }
  }
}

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 0;
  }
}

/** One `POST /requests`: the answer's status (`complete`, `partial`, …), or why there was none. */
async function probe(url: string): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: PROBE_BODY,
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { status?: unknown };
    return typeof body.status === 'string' ? body.status : `http ${response.status}`;
  } catch (error) {
    return (error as Error).message;
  }
}
