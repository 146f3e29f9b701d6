import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../load/clock';
import { ChildService } from '../procs/child';
import { freePort } from './free-port';
import type { KafkaClientName } from '../config';

export const CHAINS = ['chain1', 'chain2', 'chain3'] as const;

export interface ServicesOptions {
  repo: string;
  logDir: string;
  runId: string;
  kafkaBrokers: string;
  etcdEndpoints: string;
  /** TOPIC_PREFIX of the services ('' for the contract's plain names). */
  topicPrefix: string;
  /** KAFKA_CLIENT of the services. */
  kafkaClient: KafkaClientName;
}

/**
 * ops and chain1..3 from their built bundles (`node dist/apps/<app>/main.cjs`), under an etcd
 * prefix, an `ops.req` consumer group and (unless shared) a topic prefix of this run's own.
 */
export class Services {
  readonly processes = new Map<string, ChildService>();
  port = 0;
  readonly env: Record<string, string>;

  constructor(private readonly options: ServicesOptions) {
    this.env = {
      KAFKA_BROKERS: options.kafkaBrokers,
      ETCD_ENDPOINTS: options.etcdEndpoints,
      LOG_LEVEL: 'warn',
      DISCOVERY_PREFIX: `/bench-${options.runId}/services/`,
      OPS_GROUP_ID: `ops-bench-${options.runId}`,
      OPS_MAX_IN_FLIGHT: '20000',
      OPS_HTTP_HOST: '127.0.0.1',
      KAFKA_CLIENT: options.kafkaClient,
      ...(options.topicPrefix ? { TOPIC_PREFIX: options.topicPrefix } : {}),
    };
  }

  get opsUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the chains, then ops; resolves when ops is ready and lists every chain. */
  async start(): Promise<void> {
    mkdirSync(this.options.logDir, { recursive: true });
    this.port = await freePort();
    // At LOG_LEVEL=warn the services do not print their "started" lines (info): readiness is
    // judged by ops' /readyz and /services instead, and an early exit fails the start.
    for (const name of CHAINS) this.spawn(name, {});
    this.spawn('ops', { OPS_HTTP_PORT: String(this.port) });
    const ready = await pollUntil(
      async () => {
        this.assertAlive();
        return (await status(`${this.opsUrl}/readyz`)) === 200;
      },
      90_000,
      250,
    );
    if (!ready) throw new Error(`ops at ${this.opsUrl} not ready within 90 s (logs: ${this.options.logDir})`);
    const listed = await pollUntil(
      async () => {
        this.assertAlive();
        return (await this.listChains()).length === CHAINS.length;
      },
      60_000,
      250,
    );
    if (!listed) throw new Error(`ops does not list ${CHAINS.join(', ')} within 60 s (lists: ${this.lastListed.join(', ')})`);
  }

  private lastListed: string[] = [];

  private async listChains(): Promise<string[]> {
    try {
      const response = await fetch(`${this.opsUrl}/services`, { signal: AbortSignal.timeout(2000) });
      const body = (await response.json()) as { services?: Array<{ name: string; kind: string }> };
      this.lastListed = (body.services ?? []).filter((s) => s.kind === 'chain').map((s) => s.name);
      return this.lastListed.filter((n) => (CHAINS as readonly string[]).includes(n));
    } catch {
      return [];
    }
  }

  private spawn(name: string, extra: Record<string, string>): ChildService {
    const bundle = join(this.options.repo, 'dist/apps', name, 'main.cjs');
    const child = ChildService.spawn(name, bundle, [], { ...this.env, ...extra }, this.options.logDir);
    this.processes.set(name, child);
    return child;
  }

  private assertAlive(): void {
    for (const [name, child] of this.processes) {
      if (child.hasExited) throw new Error(`${name} exited during start-up (log: ${join(this.options.logDir, `${name}.log`)})`);
    }
  }

  /** SIGTERM to every service (ops first, so it stops taking requests), then waits for them. */
  async stop(): Promise<Record<string, number | null>> {
    const codes: Record<string, number | null> = {};
    const ops = this.processes.get('ops');
    if (ops) codes['ops'] = await ops.stop();
    await Promise.all([...this.processes].filter(([n]) => n !== 'ops').map(async ([n, c]) => (codes[n] = await c.stop())));
    this.processes.clear();
    return codes;
  }
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 0;
  }
}
