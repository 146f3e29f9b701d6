import type { OpsAnswer } from '@gateway/messaging';
import { randomSuffix } from '../support/infra';
import { metric } from '../support/ops-metrics';
import { answerOf, collectTopic, plainKafka } from '../support/plain-kafka';
import { ORDER, System, type ServicesBody } from '../support/system';
import { waitFor } from '../support/wait-for';

const CHAINS = ['chain1', 'chain2', 'chain3'];

/**
 * Scale-out (issue 4): several ops instances and several instances of each chain on one broker.
 * Replies reach the ops instance that asked through the reply partition it claimed in etcd.
 */
describe('scale-out: 3 ops instances and 2 instances of each chain', () => {
  const system = new System({ env: { TOPIC_PARTITIONS: '6', LEASE_TTL_SECONDS: '3' } });
  let answers = new Map<string, OpsAnswer[]>();
  const replyTo = () => `${system.topics.opsAgg}.scale`;
  let stopConsumer: () => Promise<void>;

  beforeAll(async () => {
    await system.start();
    await Promise.all([system.startOps(), system.startOps(), ...CHAINS.map((name) => system.startChain(name))]);
    await waitFor('two instances of every chain', async () => {
      const body = (await (await fetch(`${system.opsUrl}/services`)).json()) as ServicesBody;
      return CHAINS.every((name) => body.services.find((s) => s.name === name)?.instances.length === 2);
    });
    const collector = await collectTopic(replyTo(), (m) => m.key?.toString(), answerOf);
    answers = collector.seen;
    stopConsumer = collector.stop;
  }, 180_000);
  afterAll(async () => {
    await stopConsumer?.();
    await system.stop();
  });

  /** The live ops instances, round robin. */
  function opsUrls(): string[] {
    return system.opsInstances
      .filter((o) => o.process.find((l) => l.msg === 'ops stopped') === undefined && !killed.has(o.url))
      .map((o) => o.url);
  }
  const killed = new Set<string>();

  /** Retries of a request refused with 503 OVERLOADED, as a well-behaved client makes them (after `Retry-After`). */
  let overloadedRetries = 0;

  async function httpRequest(url: string, uid: string): Promise<{ status: number; body?: OpsAnswer; error?: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${url}/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ uid, payload: ORDER, timeoutMs: 5000, services: CHAINS }),
        });
        const body = (await response.json()) as OpsAnswer;
        const overloaded = response.status === 503 && body.status === 'error' && body.error.code === 'OVERLOADED';
        if (!overloaded || attempt === 5) return { status: response.status, body };
        overloadedRetries++;
        await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? '1') * 1000));
      } catch (error) {
        return { status: 0, error: (error as Error).message };
      }
    }
  }

  async function produceRequests(uids: string[]): Promise<void> {
    const producer = plainKafka.producer();
    await producer.connect();
    for (let i = 0; i < uids.length; i += 200) {
      await producer.send({
        topic: system.topics.opsReq,
        messages: uids.slice(i, i + 200).map((uid) => ({
          key: uid,
          value: JSON.stringify({ uid, payload: ORDER, timeoutMs: 5000, services: CHAINS }),
          headers: { 'reply-to': replyTo() },
        })),
      });
    }
    await producer.disconnect();
  }

  async function httpLoad(
    count: number,
    tag: string,
    concurrency = 24,
  ): Promise<Map<string, { status: number; body?: OpsAnswer; error?: string; url: string }>> {
    const results = new Map<string, { status: number; body?: OpsAnswer; error?: string; url: string }>();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const urls = opsUrls();
          const url = urls[i % urls.length] as string;
          const uid = `${tag}-${i}`;
          results.set(uid, { ...(await httpRequest(url, uid)), url });
        }
      }),
    );
    return results;
  }

  const dropped = async (reason: string): Promise<number> => {
    let total = 0;
    for (const url of opsUrls()) total += await metric(url, 'ops_replies_dropped_total', { reason });
    return total;
  };

  it('test 1: a few thousand requests over HTTP and ops.req, spread over the ops instances → every one answered exactly once and complete; no reply dropped as unknown', async () => {
    const partitions = await Promise.all(system.opsInstances.map((o) => metric(o.url, 'ops_reply_partition')));
    expect(new Set(partitions).size).toBe(3);

    const kafkaUids = Array.from({ length: 1500 }, (_, i) => `scale-k-${randomSuffix()}-${i}`);
    const [http] = await Promise.all([httpLoad(1500, `scale-h-${randomSuffix()}`), produceRequests(kafkaUids)]);
    await waitFor('every ops.req request answered', () => kafkaUids.every((uid) => answers.has(uid)), 60_000, 250);

    const httpStatuses = [...http.values()].map((r) =>
      r.body?.status === 'complete' && Object.keys(r.body.results).length === 3
        ? 'complete'
        : `${r.status}:${r.body?.status}:${r.error ?? ''}`,
    );
    const kafkaStatuses = kafkaUids.map((uid) =>
      answers.get(uid)?.length === 1 ? answers.get(uid)?.[0]?.status : `answered ${answers.get(uid)?.length ?? 0} times`,
    );
    const count = (list: Array<string | undefined>) =>
      list.reduce<Record<string, number>>((acc, s) => ({ ...acc, [String(s)]: (acc[String(s)] ?? 0) + 1 }), {});
    expect(count(httpStatuses)).toEqual({ complete: 1500 });
    expect(count(kafkaStatuses)).toEqual({ complete: 1500 });
    expect(new Set([...http.values()].map((r) => r.url)).size).toBe(3);
    expect(await dropped('unknown')).toBe(0);
    expect(await dropped('late')).toBe(0);
    expect(await dropped('duplicate')).toBe(0);
    const served = await Promise.all(system.opsInstances.map((o) => metric(o.url, 'ops_requests_total', { source: 'kafka' })));
    expect(served.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2); // ops.req partitions spread over the ops group
    process.stdout.write(
      `scale test 1: http ${JSON.stringify(count(httpStatuses))}, kafka ${JSON.stringify(count(kafkaStatuses))}, kafka requests per ops instance ${JSON.stringify(served)}, unknown drops 0, HTTP retries after 503 OVERLOADED ${overloadedRetries}\n`,
    );
  });

  it('test 2: the same while one ops instance and one chain instance are killed and new ones started → all but the killed instance’s requests answered; then all complete again', async () => {
    const tag = `scale2-${randomSuffix()}`;
    const kafkaUids = Array.from({ length: 1500 }, (_, i) => `${tag}-k-${i}`);
    const victim = system.opsInstances[1] as {
      process: { signal: (s: NodeJS.Signals) => void; exited: () => Promise<unknown> };
      url: string;
    };
    const chainVictim = system.chains.get('chain2');

    const httpDuring = httpLoad(2000, `${tag}-h`, 16);
    const kafkaDuring = produceRequests(kafkaUids);
    await waitFor('the run to be under way', () => answers.size > 1500 + 200, 30_000, 50);
    victim.process.signal('SIGKILL');
    killed.add(victim.url);
    chainVictim?.signal('SIGKILL');
    const [http] = await Promise.all([httpDuring, kafkaDuring, system.startOps(), system.startChain('chain2')]);
    await waitFor('every ops.req request answered at least once', () => kafkaUids.every((uid) => answers.has(uid)), 90_000, 250);

    const toVictim = [...http.values()].filter((r) => r.url === victim.url);
    const toSurvivors = [...http.values()].filter((r) => r.url !== victim.url);
    const lostWithVictim = toVictim.filter((r) => r.status === 0).length;
    const unanswered = toSurvivors.filter((r) => r.status === 0 || r.body === undefined);
    expect(unanswered).toEqual([]);
    const outcome = (r: { status: number; body?: OpsAnswer }) => `${r.status}:${r.body?.status}`;
    const count = (list: string[]) => list.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    const kafkaOnce = kafkaUids.filter((uid) => answers.get(uid)?.length === 1).length;
    process.stdout.write(
      `scale test 2: http to survivors ${JSON.stringify(count(toSurvivors.map(outcome)))}, http to the killed ops ${toVictim.length} (${lostWithVictim} without an answer), ` +
        `kafka answered ${kafkaUids.length}/${kafkaUids.length} (${kafkaOnce} exactly once, ${kafkaUids.length - kafkaOnce} twice: redelivered after the kill), ` +
        `kafka statuses ${JSON.stringify(count(kafkaUids.map((uid) => String(answers.get(uid)?.[0]?.status))))}\n`,
    );

    // After the change, everything completes again.
    await waitFor(
      'requests complete again on every instance',
      async () => {
        const after = await httpLoad(60, `${tag}-after-${randomSuffix()}`, 6);
        return [...after.values()].every((r) => r.body?.status === 'complete' && Object.keys(r.body.results).length === 3);
      },
      60_000,
      500,
    );
    const final = await httpLoad(300, `${tag}-final`, 12);
    expect(count([...final.values()].map(outcome))).toEqual({ '200:complete': 300 });
    expect(new Set([...final.values()].map((r) => r.url)).size).toBe(3);
  });
});
