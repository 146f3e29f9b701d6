import { createLogger, OpsClient, type KafkaClientName } from '@gateway/messaging';
import { etcdctl } from '../support/etcdctl';
import { assertInvariants, baseline, type Baseline } from '../support/invariants';
import {
  ETCD_MEMBERS,
  etcdLeader,
  KAFKA_MEMBERS,
  member,
  newLeader,
  partitionLeader,
  waitForInSync,
  type KafkaMember,
} from '../support/cluster';
import { Ledger } from '../support/ledger';
import { metric } from '../support/ops-metrics';
import { SteadyLoad, type LoadRecord } from '../support/steady-load';
import { ServiceProcess } from '../support/service-process';
import { ORDER, System, type ServicesBody } from '../support/system';
import { waitFor } from '../support/wait-for';

const CLIENT: KafkaClientName = process.env['KAFKA_CLIENT'] === 'kafkajs' ? 'kafkajs' : 'platformatic';
const CHAINS = ['chain1', 'chain2', 'chain3'];
/** The deadline of every request of the steady load. */
const TIMEOUT_MS = 2000;
/** How soon after a new leader is elected every request should be complete again (the target, reported). */
const RECOVERY_MS = 3000;
/**
 * How soon it must be (asserted): when the dead broker also coordinated a chain's consumer group,
 * that chain's instances find the new coordinator and rejoin within their group session (10 s), and
 * answers for that chain are missing meanwhile (docs/operations.md, "Failures").
 */
const RECOVERY_BOUND_MS = 15_000;
/**
 * I1's margin here: an answer on Kafka may wait for the election of a new leader — of its own
 * partition, or of the partition that holds ops' consumer group — and comes within RECOVERY_MS of
 * it; after a kill the margin is the measured election time plus RECOVERY_MS, at least this.
 */
const MARGIN_MS = 5000;
/**
 * I1's margin while a broker is paused: a request already sent to it is held until the client's
 * request timer runs out (PLATFORMATIC_REQUEST_TIMEOUT_MS, 15 s) before it goes to the new leader,
 * and a request on ops.req can meet that up to three times (its publish, ops' fetch, the answer's
 * publish and the client's fetch).
 */
const PAUSED_MARGIN_MS = 50_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The gateway on a three-broker Kafka (replication factor 3, min.insync.replicas 2) and a
 * three-member etcd (`scripts/stack.sh start --cluster`), under steady load through HTTP and
 * `ops.req`, with 2 ops instances and 2 instances of each chain, while brokers and etcd members are
 * killed, stopped and restarted. Each scenario ends with the fault suite's invariants and one line of
 * counts (docs/operations.md, "Failures").
 */
describe(`cluster faults, services on ${CLIENT}`, () => {
  const system = new System({ env: { KAFKA_CLIENT: CLIENT, TOPIC_PARTITIONS: '3' } });
  const ledgerOf = { current: new Ledger() };
  let client: OpsClient;
  let load: SteadyLoad;
  let before: Baseline;
  /** I1's margin of the running scenario. */
  let marginMs = MARGIN_MS;
  /** ops instances taken out of rotation (draining or gone). */
  const outOfRotation = new Set<string>();
  const rotation = () => system.opsInstances.map((o) => o.url).filter((url) => !outOfRotation.has(url));
  /** The topics the scenarios wait on to be in sync again. */
  const topics = () => [
    system.topics.opsReq,
    system.topics.opsResp,
    system.topics.opsAgg,
    ...CHAINS.map((c) => system.topics.chainRequest(c)),
  ];

  beforeAll(async () => {
    await system.start();
    await Promise.all([system.startOps(), ...CHAINS.map((name) => system.startChain(name))]);
    await waitFor('two instances of every chain', async () => {
      const body = (await (await fetch(`${system.adminUrl}/services`)).json()) as ServicesBody;
      return CHAINS.every((name) => body.services.find((s) => s.name === name)?.instances.length === 2);
    });
    client = new OpsClient({
      brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','),
      clientId: 'cluster-faults',
      client: CLIENT,
      logger: createLogger('ops-client', 'warn'),
      topics: system.topics,
      graceMs: PAUSED_MARGIN_MS + 5000,
    });
    await client.start();
  }, 240_000);
  afterAll(async () => {
    await client?.close();
    for (const name of [...KAFKA_MEMBERS, ...ETCD_MEMBERS]) await member('start', name).catch(() => undefined);
    await system.stop();
  });

  /** True when every ops instance in rotation answers /readyz 200 (its consumers hold their partitions and fetch). */
  const everyOpsReady = async () =>
    (
      await Promise.all(
        rotation().map((url) =>
          fetch(`${url}/readyz`).then(
            (r) => r.status === 200,
            () => false,
          ),
        ),
      )
    ).every(Boolean);
  /** True when every ops instance in rotation answers a request of its own `complete` (its replies come in again). */
  const everyOpsComplete = async () =>
    (
      await Promise.all(
        rotation().map(async (url) => {
          const body = JSON.stringify({ payload: ORDER, services: CHAINS, timeoutMs: TIMEOUT_MS });
          const response = await fetch(`${url}/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          return ((await response.json()) as { status?: string }).status === 'complete';
        }),
      )
    ).every(Boolean);

  beforeEach(async () => {
    // Every member up, every replica in sync and every ops instance ready, whatever the scenario
    // before left behind.
    for (const name of [...ETCD_MEMBERS, ...KAFKA_MEMBERS]) await member('start', name);
    await waitForInSync(topics());
    await waitFor('every ops instance ready', everyOpsReady, 60_000, 200);
    await waitFor('every ops instance answering complete', everyOpsComplete, 60_000, 200);
    ledgerOf.current = new Ledger();
    before = await baseline(system);
    load = new SteadyLoad({
      urls: rotation,
      client,
      ledger: ledgerOf.current,
      httpEveryMs: 40,
      kafkaEveryMs: 100,
      timeoutMs: TIMEOUT_MS,
      services: CHAINS,
    }).start();
    await waitFor('steady complete answers', () => load.records.filter((r) => r.outcome === 'complete').length >= 20, 20_000);
  });
  afterEach(async () => {
    await load.stop();
    await assertInvariants(system, ledgerOf.current, before, { marginMs });
    marginMs = MARGIN_MS;
  });

  /** The pids of every service process still meant to run. */
  const livePids = () =>
    system
      .allProcesses()
      .filter((p) => p.find((l) => l.msg === 'ops stopped' || l.msg === 'chain service stopped') === undefined)
      .map((p) => p.pid);

  /** Lets the load run for `ms`, then stops it and returns its records. */
  async function finish(ms: number): Promise<LoadRecord[]> {
    await sleep(ms);
    return load.stop();
  }

  function report(scenario: string, records: LoadRecord[], extra: Record<string, number | string> = {}): void {
    const lateness = (via: LoadRecord['via']) =>
      Math.max(
        0,
        ...records.filter((r) => r.via === via && r.answeredAt !== undefined).map((r) => (r.answeredAt ?? 0) - r.sentAt - TIMEOUT_MS),
      );
    const line = {
      ...SteadyLoad.count(records),
      ...extra,
      notComplete: SteadyLoad.breakdown(records),
      latestAfterDeadlineMs: { http: lateness('http'), kafka: lateness('kafka') },
      // The first few requests with no answer, with why the client gave up and when each was sent.
      unansweredDetail: records
        .filter((r) => r.outcome === undefined)
        .slice(0, 8)
        .map((r) => ({ uid: r.uid, sentAt: new Date(r.sentAt).toISOString(), failure: r.failure })),
    };
    process.stdout.write(`cluster ${scenario}: ${JSON.stringify(line)}\n`);
  }

  /** No request unanswered, HTTP or ops.req, with the reason of any that got no answer at all. */
  function expectAllAnswered(records: LoadRecord[]): void {
    expect(records.filter((r) => r.outcome === undefined).map((r) => ({ uid: r.uid, via: r.via, failure: r.failure }))).toEqual([]);
  }

  /**
   * Kills the broker that leads `partition` of `topic` under load, and checks: every request
   * answered; requests that were not complete were in flight at the kill or sent before the new
   * leader was elected plus {@link RECOVERY_MS}; complete again within {@link RECOVERY_MS}.
   */
  async function killLeaderOf(scenario: string, topic: string, partition: number): Promise<void> {
    const pids = livePids();
    const leader = await partitionLeader(topic, partition);
    if (!leader) throw new Error(`${topic}[${partition}] has no leader`);
    await sleep(1000);
    const killedAt = Date.now();
    await member('kill', leader);
    let elected: { leader: KafkaMember; at: number };
    let records: LoadRecord[];
    try {
      elected = await newLeader(topic, partition, leader);
      marginMs = Math.max(MARGIN_MS, elected.at - killedAt + RECOVERY_MS);
      records = await finish(RECOVERY_MS + TIMEOUT_MS + 3000);
    } finally {
      await member('start', leader);
      await waitForInSync(topics());
    }

    const notComplete = records.filter((r) => r.outcome !== 'complete');
    /** How long after the election the last request of `via` that was not complete was sent. */
    const recovery = (via: LoadRecord['via']) =>
      Math.max(elected.at, ...notComplete.filter((r) => r.via === via).map((r) => r.sentAt)) - elected.at;
    report(scenario, records, {
      killed: leader,
      newLeader: elected.leader,
      electedAfterMs: elected.at - killedAt,
      httpCompleteAgainAfterElectionMs: recovery('http'),
      kafkaCompleteAgainAfterElectionMs: recovery('kafka'),
      notCompleteSentFromKillMs: notComplete.length ? Math.min(...notComplete.map((r) => r.sentAt)) - killedAt : 0,
    });
    expectAllAnswered(records);
    expect(notComplete.filter((r) => r.sentAt < killedAt - TIMEOUT_MS).map((r) => r.uid)).toEqual([]);
    // Complete again soon after the election: RECOVERY_MS is the target, met unless the dead broker
    // coordinated a consumer group (then the group's rejoin decides); RECOVERY_BOUND_MS is held.
    expect(recovery('http')).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    expect(recovery('kafka')).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    if (recovery('http') > RECOVERY_MS)
      process.stdout.write(`cluster ${scenario}: complete again later than the ${RECOVERY_MS} ms target\n`);
    expect(livePids()).toEqual(pids);
  }

  it('SIGKILL the broker leading the ops.resp partition an ops instance reads', async () => {
    const first = system.opsInstances[0];
    if (!first) throw new Error('no ops instance');
    const partition = await metric(first.url, 'ops_reply_partition');
    await killLeaderOf('kill ops.resp leader', system.topics.opsResp, partition);
  });

  it('SIGKILL the broker leading a chainN.req partition', async () => {
    await killLeaderOf('kill chain2.req leader', system.topics.chainRequest('chain2'), 0);
  });

  it('rolling restart of all three brokers, waiting for the in-sync replicas between steps', async () => {
    const pids = livePids();
    const steps: Record<string, number> = {};
    for (const broker of KAFKA_MEMBERS) {
      const started = Date.now();
      await member('restart', broker);
      await waitForInSync(topics());
      steps[`${broker}Ms`] = Date.now() - started;
    }
    const records = await finish(2000);
    report('rolling restart of the brokers', records, steps);
    expectAllAnswered(records);
    // A controlled shutdown hands its leaderships over first; a send that was on its way when it did,
    // or a consumer rebuilt when its broker went away, can still make a chain miss a deadline: at
    // most 2 % of the answers are partial (0 to 1.3 % measured), none anything else.
    const notComplete = records.filter((r) => r.outcome !== 'complete');
    expect(notComplete.filter((r) => r.outcome !== 'partial').map((r) => `${r.uid} ${r.outcome}`)).toEqual([]);
    expect(notComplete.length).toBeLessThanOrEqual(records.length / 50);
    expect(livePids()).toEqual(pids);
  });

  /** What ops lists: chain → instance count, and the reply-partition claims in etcd. */
  async function catalog(url: string): Promise<string> {
    const body = (await (await fetch(`${url}/services`)).json()) as ServicesBody;
    return body.services
      .filter((s) => s.kind === 'chain')
      .map((s) => `${s.name}:${s.instances.length}`)
      .sort()
      .join(',');
  }
  const claims = async () => etcdctl('get', '--prefix', `/reply-partitions/${system.topics.opsResp}/`);

  it('SIGKILL an etcd follower, then the etcd leader: no registration lost, no live service left, claims kept', async () => {
    const pids = livePids();
    const claimsBefore = await claims();
    const want = CHAINS.map((c) => `${c}:2`).join(',');
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const o of system.opsInstances) seen.add(await catalog(o.url).catch((e: Error) => `error ${e.message}`));
        await sleep(100);
      }
    })();

    const leader = await etcdLeader();
    const follower = ETCD_MEMBERS.find((m) => m !== leader) as (typeof ETCD_MEMBERS)[number];
    let next: string;
    let electedMs: number;
    let records: LoadRecord[];
    try {
      await member('kill', follower);
      await sleep(3000);
      await member('start', follower);
      const killedAt = Date.now();
      await member('kill', leader);
      next = await waitFor('a new etcd leader', () => etcdLeader().catch(() => undefined), 20_000, 200);
      electedMs = Date.now() - killedAt;
      await sleep(12_000); // beyond a lease's TTL (10 s): a lost keep-alive would show
      await member('start', leader);
      records = await finish(2000);
    } finally {
      watching = false;
      await watcher;
    }

    report('etcd follower then leader killed', records, { follower, leader, newLeader: next, electedAfterMs: electedMs });
    expectAllAnswered(records);
    expect([...seen]).toEqual([want]);
    expect(records.filter((r) => r.outcome !== 'complete').map((r) => `${r.uid} ${r.outcome}`)).toEqual([]);
    expect(await claims()).toEqual(claimsBefore);
    expect(livePids()).toEqual(pids);
  });

  it('SIGSTOP a broker for longer than its session timeout, then SIGCONT', async () => {
    const pids = livePids();
    marginMs = PAUSED_MARGIN_MS;
    const paused = (await partitionLeader(system.topics.chainRequest('chain1'), 0)) as KafkaMember;
    const pausedAt = Date.now();
    await member('pause', paused);
    try {
      await sleep(12_000);
    } finally {
      await member('resume', paused);
    }
    const resumedAt = Date.now();
    await waitForInSync(topics());
    const inSyncAt = Date.now();
    await waitFor('every ops instance answering complete again', everyOpsComplete, 60_000, 200);
    const completeAt = Date.now();
    const records = await finish(2000);
    const notComplete = records.filter((r) => r.outcome !== 'complete');
    report('broker paused 12 s', records, {
      paused,
      inSyncAfterResumeMs: inSyncAt - resumedAt,
      completeAgainAfterResumeMs: completeAt - resumedAt,
      lastNotCompleteSentAfterPauseMs: notComplete.length ? Math.max(...notComplete.map((r) => r.sentAt)) - pausedAt : 0,
    });
    expectAllAnswered(records);
    expect(livePids()).toEqual(pids);
  });

  it('rolling restart of ops and of a chain (SIGTERM one instance at a time): nothing lost', async () => {
    for (const instance of [...system.opsInstances]) {
      // Out of the load balancer's rotation first, as a Kubernetes preStop pause does.
      outOfRotation.add(instance.url);
      await sleep(300);
      instance.process.signal('SIGTERM');
      expect(await instance.process.exited()).toEqual({ code: 0, signal: null });
      await system.startOps();
    }
    const chain1 = system
      .allProcesses()
      .filter((p) => p.name === 'chain1' && p.find((l) => l.msg === 'chain service stopped') === undefined);
    for (const instance of chain1) {
      instance.signal('SIGTERM');
      expect(await instance.exited()).toEqual({ code: 0, signal: null });
      await system.startChain('chain1');
    }
    const records = await finish(2000);
    report('rolling restart of ops and chain1', records);
    expectAllAnswered(records);
    // A request on ops.req that a stopping ops fetched before it stopped reading is answered
    // SHUTTING_DOWN (a clear error the client can send again); everything else is complete.
    expect(
      records.filter((r) => r.outcome !== 'complete' && r.outcome !== 'error SHUTTING_DOWN').map((r) => `${r.uid} ${r.outcome}`),
    ).toEqual([]);
  });

  it('one ops instance more than ops.resp has partitions stops at start with a clear message, and nothing is lost meanwhile', async () => {
    // 2 instances run on 3 partitions: a third takes the last one, a fourth finds none.
    await system.startOps();
    const started = Date.now();
    const error = await ServiceProcess.start(
      'ops',
      'ops-extra',
      { ...system.envFor('ops'), SHUTDOWN_GRACE_MS: '1000' },
      'ops started',
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).toMatch(/exited with code 1 before it was ready/);
    const extra = ServiceProcess.started.filter((p) => p.name === 'ops-extra').at(-1);
    const fatal = extra?.find((l) => l.msg === 'ops failed to start');
    expect(fatal?.['err']).toMatchObject({
      code: 'DISCOVERY_NO_FREE_PARTITION',
      message: expect.stringMatching(/^all 3 partitions under \/reply-partitions\/.*ops\.resp\/ are claimed by other instances/),
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    const records = await finish(1000);
    report('an ops instance beyond the partitions', records);
    expectAllAnswered(records);
  });
});
