import { createLogger, OpsClient, type KafkaClientName, type OpsAnswer } from '@gateway/messaging';
import { kafkaBrokers, randomSuffix } from '../support/infra';
import { collectTopic, headersOf, withAdmin, type TopicCollector } from '../support/plain-kafka';
import { ORDER, System } from '../support/system';

/** The client library of this run (scripts/test.sh runs the suite once per KAFKA_CLIENT). */
const CLIENT: KafkaClientName = process.env['KAFKA_CLIENT'] === 'kafkajs' ? 'kafkajs' : 'platformatic';

const groupIds = () => withAdmin(async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId));
const topicsOf = (prefix: string) => withAdmin(async (admin) => (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort());

/**
 * `OpsClient` on the real Kafka, against ops and chain1: clients share the reply topic `ops.agg`,
 * each in a consumer group of its own that it deletes on close.
 */
describe(`OpsClient on ${CLIENT} against ops on the real Kafka`, () => {
  const system = new System({ chains: ['chain1'] });
  let deadLetters: TopicCollector<Record<string, string>>;

  const client = () =>
    new OpsClient({
      brokers: kafkaBrokers().split(','),
      clientId: `it-client-${randomSuffix()}`,
      client: CLIENT,
      logger: createLogger('ops-client', 'warn'),
      topics: system.topics,
    });

  beforeAll(async () => {
    await system.start();
    deadLetters = await collectTopic(system.topics.opsDlq, (m) => m.key?.toString(), headersOf);
  }, 120_000);
  afterAll(async () => {
    await deadLetters?.stop();
    await system.stop();
  });

  it('lets two clients at once share ops.agg: each gets exactly its own answers, neither dead-letters the other`s', async () => {
    const [a, b] = [client(), client()];
    try {
      await Promise.all([a.start(), b.start()]);
      const uids = (who: string) => [1, 2, 3].map((n) => `${who}-${n}-${randomSuffix()}`);
      const [ofA, ofB] = [uids('a'), uids('b')];
      const ask = (c: OpsClient, mine: string[]) => Promise.all(mine.map((uid) => c.request({ uid, payload: ORDER, timeoutMs: 5000 })));
      const [fromA, fromB] = await Promise.all([ask(a, ofA), ask(b, ofB)]);

      const summary = (answers: OpsAnswer[]) => answers.map((x) => ({ uid: x.uid, status: x.status }));
      expect(summary(fromA)).toEqual(ofA.map((uid) => ({ uid, status: 'complete' })));
      expect(summary(fromB)).toEqual(ofB.map((uid) => ({ uid, status: 'complete' })));
      expect(a.replyTopic).toBe(system.topics.opsAgg);
      expect(b.replyTopic).toBe(system.topics.opsAgg);
      const dead = [...deadLetters.seen.values()].flat().filter((h) => h['dlq-service'] === 'ops-client');
      expect(dead).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('leaves nothing behind after close: its consumer group is deleted and it made no topic of its own', async () => {
    const topicsBefore = await topicsOf(system.topicPrefix);
    const c = client();
    await c.request({ payload: ORDER, timeoutMs: 5000 });
    expect(await groupIds()).toContain(c.groupId); // so the check below is not vacuous

    await c.close();
    expect(await groupIds()).not.toContain(c.groupId);
    expect(await topicsOf(system.topicPrefix)).toEqual(topicsBefore);
  });
});
