import { topicNames, type Aggregate, type OpsAnswer, type TopicNames } from '@gateway/messaging';
import { HandMadeChain, type HandMadeBehaviour } from './hand-made-chain';
import { etcdctl, grantLease } from './etcdctl';
import { deleteTopicsWithPrefix } from './plain-kafka';
import { etcdEndpoints, kafkaBrokers, randomSuffix } from './infra';
import { ServiceProcess } from './service-process';
import { waitFor } from './wait-for';

/** What `GET /services` answers. */
export interface ServicesBody {
  services: Array<{ name: string; kind: string; topic: string; instances: Array<{ instanceId: string }> }>;
}

/** Options of {@link startSystem}. */
export interface SystemOptions {
  chains?: string[];
  /** Extra environment for every service (for example a short LEASE_TTL_SECONDS). */
  env?: Record<string, string>;
  /** Environment of one service on top of `env` (its own credentials on the secured stack). */
  envOf?: (service: string) => Record<string, string>;
  /** The etcd key prefix of registrations; default one of this system's own (`/it-<id>/services/`). */
  discoveryPrefix?: string;
}

/**
 * ops and the example chains, from their bundles, on the real Kafka and etcd, under an etcd key
 * prefix of this test file's own (so other systems on the same etcd are not seen).
 */
export class System {
  readonly chains = new Map<string, ServiceProcess>();
  private readonly history: ServiceProcess[] = [];
  private readonly handMade: HandMadeChain[] = [];
  ops!: ServiceProcess;
  /** Every ops instance started, with its URL (the latest is also `ops` / `opsUrl`). */
  readonly opsInstances: Array<{ process: ServiceProcess; url: string }> = [];
  opsUrl = '';
  /** Where the operator endpoints of the latest ops are: its admin listener (OPS_ADMIN_PORT), or `opsUrl`. */
  adminUrl = '';
  readonly env: Record<string, string>;
  readonly prefix: string;
  /** This system's topics: contract §2's names behind a prefix of its own. */
  readonly topics: TopicNames;
  /** The prefix of every topic of this system (deleted by `stop`). */
  readonly topicPrefix: string;

  constructor(options: SystemOptions = {}) {
    const id = randomSuffix();
    this.prefix = options.discoveryPrefix ?? `/it-${id}/services/`;
    this.topicPrefix = `it-${id}.`;
    this.topics = topicNames(this.topicPrefix);
    this.env = {
      KAFKA_BROKERS: kafkaBrokers(),
      ETCD_ENDPOINTS: etcdEndpoints(),
      DISCOVERY_PREFIX: this.prefix,
      TOPIC_PREFIX: this.topicPrefix,
      OPS_HTTP_PORT: '0',
      OPS_HTTP_HOST: '127.0.0.1',
      ...options.env,
    };
    this.chainNames = options.chains ?? ['chain1', 'chain2', 'chain3'];
    this.envOf = options.envOf ?? (() => ({}));
  }

  private readonly envOf: (service: string) => Record<string, string>;

  /** The environment `service` is started with. */
  envFor(service: string): Record<string, string> {
    return { ...this.env, ...this.envOf(service) };
  }

  private readonly chainNames: string[];

  /** Starts the chains and ops, and waits until ops is ready and knows every chain. */
  async start(): Promise<this> {
    await Promise.all(this.chainNames.map((name) => this.startChain(name)));
    await this.startOps();
    await this.waitForServices(this.chainNames);
    return this;
  }

  /** Starts (or starts again, after it stopped) ops, and waits until it is ready. */
  async startOps(): Promise<{ process: ServiceProcess; url: string }> {
    const ops = await ServiceProcess.start('ops', `ops-${this.opsInstances.length + 1}`, this.envFor('ops'), 'ops started');
    this.history.push(ops);
    const port = ops.find((l) => l.msg === 'ops started')?.['port'];
    const url = `http://127.0.0.1:${String(port)}`;
    await waitFor('ops to be ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
    this.ops = ops;
    this.opsUrl = url;
    const adminPort = ops.find((l) => l.msg === 'ops started')?.['adminPort'];
    this.adminUrl = adminPort === undefined ? url : `http://127.0.0.1:${String(adminPort)}`;
    this.opsInstances.push({ process: ops, url });
    return { process: ops, url };
  }

  /** Starts (or restarts) the chain `name`. */
  async startChain(name: string): Promise<ServiceProcess> {
    const chain = await ServiceProcess.start(name, name, this.envFor(name), 'chain service started');
    this.chains.set(name, chain);
    this.history.push(chain);
    return chain;
  }

  /** The chain names ops currently lists. */
  async serviceNames(): Promise<string[]> {
    const body = (await (await fetch(`${this.adminUrl}/services`)).json()) as ServicesBody;
    return body.services
      .filter((s) => s.kind === 'chain')
      .map((s) => s.name)
      .sort();
  }

  /** Waits until ops lists exactly `names` as its chain services. */
  async waitForServices(names: string[], timeoutMs = 20_000): Promise<void> {
    const want = [...names].sort().join(',');
    await waitFor(`ops to list chains [${want}]`, async () => (await this.serviceNames()).join(',') === want, timeoutMs);
  }

  /** POSTs a request to ops and returns the status and body. */
  async request(
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ): Promise<{ status: number; body: OpsAnswer & { error?: { code: string; message: string } } }> {
    const response = await fetch(`${this.opsUrl}/requests`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as OpsAnswer & { error?: { code: string; message: string } } };
  }

  /** POSTs a request that must come back as an aggregate (200 or 504). */
  async aggregate(body: unknown): Promise<{ status: number; body: Aggregate }> {
    const { status, body: answer } = await this.request(body);
    if (answer.status === 'error') throw new Error(`expected an aggregate, got ${status} ${JSON.stringify(answer)}`);
    return { status, body: answer };
  }

  /** Every service process started so far (also those that exited). */
  allProcesses(): ServiceProcess[] {
    return [...this.history];
  }

  /** A chain written without the project's libraries, on this system's topics (not started yet). */
  handMadeChain(name: string, behaviour: HandMadeBehaviour = {}): HandMadeChain {
    return new HandMadeChain(name, behaviour, this.topics.opsReq.slice(0, -'ops.req'.length));
  }

  /**
   * Starts a hand-made chain, registers it by hand under a lease and waits until ops lists it;
   * it is stopped with the system.
   */
  async startHandMadeChain(name: string, behaviour: HandMadeBehaviour = {}, ttlSeconds = 60): Promise<HandMadeChain> {
    const chain = this.handMadeChain(name, behaviour);
    await chain.start();
    this.handMade.push(chain);
    await this.registerByHand(chain, ttlSeconds);
    await waitFor(`${name} in the catalog`, async () => (await this.serviceNames()).includes(name));
    return chain;
  }

  /** Registers `chain` by hand with etcdctl under a lease of `ttlSeconds`; returns the lease id. */
  async registerByHand(chain: { name: string; topic: string }, ttlSeconds = 30): Promise<string> {
    const lease = await grantLease(ttlSeconds);
    const instanceId = `by-hand-${randomSuffix()}`;
    const record = { name: chain.name, kind: 'chain', topic: chain.topic, instanceId };
    await etcdctl('put', `--lease=${lease}`, `${this.prefix}${chain.name}/${instanceId}`, JSON.stringify(record));
    return lease;
  }

  /** Stops every service, then deletes this system's topics (unless KEEP_TOPICS=1: to read them after a run). */
  async stop(): Promise<void> {
    await Promise.all([...this.history.map((s) => s.stop()), ...this.handMade.map((c) => c.stop())]);
    if (process.env['KEEP_TOPICS'] === '1') process.stdout.write(`topics kept: ${this.topicPrefix}*\n`);
    else await deleteTopicsWithPrefix(this.topicPrefix);
  }
}

/** An order line every example chain can serve. */
export const ORDER = { sku: 'SKU-1', qty: 2, zip: '10115' };
