import type { Aggregate, OpsAnswer } from '@gateway/messaging';
import type { KafkaMessage } from 'kafkajs';
import { expectSteady } from '../support/expect-steady';
import type { HandMadeBehaviour, HandMadeChain } from '../support/hand-made-chain';
import { randomSuffix } from '../support/infra';
import { assertInvariants, baseline, type Baseline } from '../support/invariants';
import { Ledger } from '../support/ledger';
import { metric } from '../support/ops-metrics';
import { answerOf, collectTopic, createTopic, headersOf, produce, type TopicCollector } from '../support/plain-kafka';
import { ORDER, System } from '../support/system';
import { waitFor } from '../support/wait-for';

const MAX_MESSAGE_BYTES = 4096;

/** Bad input, duplicates, strays and silence (scenarios 3, 4, 5, 7, 12, 15). */
describe('fault scenarios: input', () => {
  const system = new System({ env: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), LEASE_TTL_SECONDS: '3' } });
  let ledger: Ledger;
  let before: Baseline;
  let dlq: Map<string, KafkaMessage[]>;
  let answers: Map<string, OpsAnswer[]>;
  const collectors: Array<TopicCollector<unknown>> = [];
  const replyTopic = () => `${system.topics.opsAgg}.input-faults`;

  beforeAll(async () => {
    await system.start();
    const dead = await collectTopic(
      system.topics.opsDlq,
      (m) => headersOf(m)['x-case'],
      (m) => m,
    );
    const answered = await collectTopic(replyTopic(), (m) => m.key?.toString(), answerOf);
    collectors.push(dead, answered);
    dlq = dead.seen;
    answers = answered.seen;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    await system.stop();
  });
  beforeEach(async () => {
    ledger = new Ledger();
    before = await baseline(system);
  });
  afterEach(() => assertInvariants(system, ledger, before));

  const handMade = (behaviour: HandMadeBehaviour): Promise<HandMadeChain> => system.startHandMadeChain(`hm-${randomSuffix()}`, behaviour);

  async function ask(body: Record<string, unknown>): Promise<{ status: number; body: Aggregate }> {
    const uid = `in-${randomSuffix()}`;
    ledger.sent(uid, Number(body['timeoutMs'] ?? 3000));
    const answer = await system.aggregate({ uid, ...body });
    ledger.answered(uid, answer.status, answer.body);
    return answer;
  }

  it('3: all asked chains silent → one answer at the deadline (504 over HTTP, one aggregate on Kafka), never a hang', async () => {
    const a = await handMade({ silent: true });
    const b = await handMade({ silent: true });
    const { status, body } = await ask({ payload: ORDER, timeoutMs: 700, services: [a.name, b.name] });
    expect(status).toBe(504);
    expect(body).toMatchObject({
      status: 'partial',
      missing: [a.name, b.name],
      results: { [a.name]: { status: 'timeout' }, [b.name]: { status: 'timeout' } },
    });
    expect(body.elapsedMs).toBeGreaterThanOrEqual(690);
    expect(body.elapsedMs).toBeLessThan(1200);

    const uid = `silent-${randomSuffix()}`;
    await produce(system.topics.opsReq, {
      key: uid,
      value: JSON.stringify({ uid, payload: ORDER, timeoutMs: 700, services: [a.name, b.name] }),
      headers: { 'reply-to': replyTopic() },
    });
    const [aggregate] = await waitFor('the aggregate on Kafka', () => answers.get(uid));
    expect(aggregate).toMatchObject({ uid, status: 'partial', missing: [a.name, b.name] });
    await expectSteady('one aggregate only', () => answers.get(uid)?.length === 1, 1000);
  });

  it('4: a duplicate reply, a reply for an unknown uid and a reply after the aggregate → counted, dropped, aggregate unchanged', async () => {
    const dropped = async (reason: string) => metric(system.opsUrl, 'ops_replies_dropped_total', { reason });
    const [dup0, unknown0, late0] = [await dropped('duplicate'), await dropped('unknown'), await dropped('late')];

    // The same reply twice, and then a contradicting one, while the request still waits for a silent chain.
    const twice = await handMade({ copies: 2, contradictAfterMs: 200 });
    const silent = await handMade({ silent: true });
    const { body } = await ask({ payload: ORDER, timeoutMs: 1200, services: [twice.name, silent.name] });
    expect(body.results[twice.name]).toMatchObject({ status: 'ok', result: { handMade: true } });
    await waitFor('two duplicates counted', async () => (await dropped('duplicate')) - dup0 === 2);

    // A reply for a uid ops never sent.
    const stray = `stray-${randomSuffix()}`;
    // On the partition ops reads (docs/architecture.md: the reply partition it claimed), as a chain replies.
    const partition = await metric(system.opsUrl, 'ops_reply_partition');
    await produce(system.topics.opsResp, {
      key: stray,
      value: JSON.stringify({ uid: stray, service: twice.name, ok: true, result: {} }),
      partition,
    });
    await waitFor('the unknown reply counted', async () => (await dropped('unknown')) - unknown0 === 1);

    // A reply that comes after the aggregate went out.
    const slow = await handMade({ delayMs: 1200 });
    const late = await ask({ payload: ORDER, timeoutMs: 400, services: [slow.name] });
    expect(late.status).toBe(504);
    await waitFor('the late reply counted', async () => (await dropped('late')) - late0 === 1, 5000);
    expect(ledger.violations(1500)).toEqual([]); // still exactly one answer each
  });

  it('5: malformed messages on every topic a service reads → each on ops.dlq with its reason; consumption goes on past them', async () => {
    const cases: Array<{ id: string; key: string | null; value: string | Buffer | null; reason: RegExp }> = [
      { id: 'not-json', key: 'k1', value: 'this is not json', reason: /^MSG_NOT_JSON: / },
      { id: 'no-uid', key: 'k2', value: JSON.stringify({ payload: {} }), reason: /^MSG_ENVELOPE_INVALID: .*uid/ },
      {
        id: 'wrong-types',
        key: 'k3',
        value: JSON.stringify({ uid: 'k3', payload: {}, timeoutMs: 'soon', deadline: 'soon', service: 7, ok: 'yes' }),
        reason: /^MSG_ENVELOPE_INVALID: /,
      },
      {
        id: 'too-large',
        key: 'k4',
        value: JSON.stringify({ uid: 'k4', payload: 'x'.repeat(MAX_MESSAGE_BYTES) }),
        reason: /^MSG_TOO_LARGE: /,
      },
      { id: 'binary', key: 'k5', value: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]), reason: /^MSG_NOT_JSON: / },
      { id: 'empty', key: 'k6', value: Buffer.alloc(0), reason: /^MSG_EMPTY: / },
    ];
    // Without a key, a message that is otherwise valid for its topic.
    const validFor = (topic: string, uid: string): string =>
      topic === system.topics.opsReq
        ? JSON.stringify({ uid, payload: {} })
        : topic === system.topics.opsResp
          ? JSON.stringify({ uid, service: 'chain1', ok: true, result: {} })
          : JSON.stringify({ uid, payload: {}, deadline: Date.now() + 60_000 });
    const topics = [
      { topic: system.topics.opsReq, service: 'ops' },
      { topic: system.topics.opsResp, service: 'ops' },
      { topic: system.topics.chainRequest('chain1'), service: 'chain1' },
    ];
    const expected: Array<{ caseId: string; topic: string; service: string; reason: RegExp }> = [];
    // ops reads the reply partition it claimed; replies go there (contract §3 `reply-partition`).
    const replyPartition = await metric(system.opsUrl, 'ops_reply_partition');
    for (const { topic, service } of topics) {
      for (const c of [
        ...cases,
        { id: 'no-key', key: null, value: validFor(topic, 'k7'), reason: /^MSG_ENVELOPE_INVALID: message has no key/ },
      ]) {
        const caseId = `${c.id}@${topic}#${randomSuffix()}`;
        expected.push({ caseId, topic, service, reason: c.reason });
        const partition = topic === system.topics.opsResp ? replyPartition : undefined;
        await produce(topic, {
          key: c.key,
          value: c.value,
          headers: { 'x-case': caseId },
          ...(partition === undefined ? {} : { partition }),
        });
      }
    }
    for (const e of expected) {
      const [dead] = await waitFor(`${e.caseId} on ops.dlq`, () => dlq.get(e.caseId), 20_000);
      const headers = headersOf(dead as KafkaMessage);
      expect({ caseId: e.caseId, reason: headers['dlq-reason'] }).toEqual({ caseId: e.caseId, reason: expect.stringMatching(e.reason) });
      expect(headers).toMatchObject({
        'dlq-source-topic': e.topic,
        'dlq-service': e.service,
        'dlq-source-offset': expect.stringMatching(/^\d+$/),
      });
    }
    // Consumption went on: the system still answers, and no bad message came back a second time.
    const { body } = await ask({ payload: ORDER, services: ['chain1', 'chain2', 'chain3'] });
    expect(body.status).toBe('complete');
    await expectSteady('each bad message dead-lettered exactly once', () => expected.every((e) => dlq.get(e.caseId)?.length === 1), 2000);
    expect(await metric(system.opsUrl, 'ops_dead_letters_total')).toBeGreaterThanOrEqual(14);
  });

  it('7: HTTP bad input → 400 / 413 / 415 with a JSON error that names the problem', async () => {
    const cases: Array<[string, string, Record<string, string>, number, RegExp]> = [
      ['invalid JSON', '{"payload": ', { 'content-type': 'application/json' }, 400, /JSON/],
      ['wrong content type', 'payload=1', { 'content-type': 'text/plain' }, 415, /application\/json/],
      ['no content type', '{"payload":1}', {}, 415, /application\/json/],
      [
        'body over the limit',
        JSON.stringify({ payload: 'x'.repeat(2 * 1024 * 1024) }),
        { 'content-type': 'application/json' },
        413,
        /large/i,
      ],
      ['a bad uid', JSON.stringify({ uid: 'no spaces allowed', payload: 1 }), { 'content-type': 'application/json' }, 400, /"uid"/],
      [
        'timeoutMs out of range',
        JSON.stringify({ payload: 1, timeoutMs: 600_001 }),
        { 'content-type': 'application/json' },
        400,
        /"timeoutMs"/,
      ],
      [
        'an unknown field',
        JSON.stringify({ payload: 1, timeout: 5 }),
        { 'content-type': 'application/json' },
        400,
        /unknown field "timeout"/,
      ],
      ['no payload', JSON.stringify({ uid: 'x' }), { 'content-type': 'application/json' }, 400, /"payload"/],
      ['a bad completion', JSON.stringify({ payload: 1, completion: 0 }), { 'content-type': 'application/json' }, 400, /"completion"/],
    ];
    for (const [what, body, headers, status, message] of cases) {
      const response = await fetch(`${system.opsUrl}/requests`, { method: 'POST', headers, body });
      const json = (await response.json()) as { error?: { code?: string; message?: string } };
      expect({ what, status: response.status, code: typeof json.error?.code, message: json.error?.message }).toEqual({
        what,
        status,
        code: 'string',
        message: expect.stringMatching(message),
      });
    }
  });

  it('12: a second ops.req message with a uid still in flight → no second broadcast, one aggregate', async () => {
    const slow = await handMade({ delayMs: 400 });
    const uid = `twice-${randomSuffix()}`;
    const request = JSON.stringify({ uid, payload: ORDER, timeoutMs: 3000, services: [slow.name] });
    await produce(system.topics.opsReq, { key: uid, value: request, headers: { 'reply-to': replyTopic() } });
    await waitFor('the first request to reach the chain', () => slow.seen.includes(uid));
    await produce(system.topics.opsReq, { key: uid, value: request, headers: { 'reply-to': replyTopic() } });
    const [aggregate] = await waitFor('the aggregate', () => answers.get(uid), 5000);
    expect(aggregate).toMatchObject({ uid, status: 'complete' });
    await expectSteady(
      'one broadcast and one aggregate',
      () => slow.seen.filter((u) => u === uid).length === 1 && answers.get(uid)?.length === 1,
      1500,
    );
  });

  it('15: a reply-to topic the broker refuses → the chains are asked once, the request ends on ops.dlq (MSG_PUBLISH_REFUSED), and ops.req goes on', async () => {
    const chain = await handMade({});
    // Kafka refuses a topic whose name differs from an existing one only by '.' and '_'.
    const taken = `${system.topicPrefix}refused.reply`;
    await createTopic(taken, 1);
    const uid = `refused-${randomSuffix()}`;
    const request = JSON.stringify({ uid, payload: ORDER, timeoutMs: 3000, services: [chain.name] });
    await produce(system.topics.opsReq, {
      key: uid,
      value: request,
      headers: { 'reply-to': `${system.topicPrefix}refused_reply`, 'x-case': 'refused-reply-to' },
    });
    const [dead] = await waitFor('the request on ops.dlq', () => dlq.get('refused-reply-to'), 15_000);
    expect(dead?.key?.toString()).toBe(uid);
    expect(headersOf(dead as KafkaMessage)['dlq-reason']).toMatch(/^MSG_PUBLISH_REFUSED: /);
    await expectSteady('one broadcast', () => chain.seen.filter((u) => u === uid).length === 1, 1500);

    // The partition goes on: the next request is answered.
    const next = `after-${randomSuffix()}`;
    await produce(system.topics.opsReq, {
      key: next,
      value: JSON.stringify({ uid: next, payload: ORDER, timeoutMs: 3000, services: [chain.name] }),
      headers: { 'reply-to': replyTopic() },
    });
    const [answer] = await waitFor('the next answer', () => answers.get(next), 10_000);
    expect(answer).toMatchObject({ uid: next, status: 'complete' });
  });
});
