import { etcdctl, grantLease } from '../support/etcdctl';
import { randomSuffix } from '../support/infra';
import { createTopic, headersOf, kcat, produce, readUntil } from '../support/plain-kafka';
import { ORDER, System } from '../support/system';
import { waitFor } from '../support/wait-for';

describe('the working system: ops and chain1..3 on the real Kafka and etcd', () => {
  const system = new System({ env: { LOG_LEVEL: 'debug' } });

  beforeAll(() => system.start(), 120_000);
  afterAll(() => system.stop());

  it('answers POST /requests with a complete aggregate of three results', async () => {
    const { status, body } = await system.aggregate({ payload: ORDER });

    expect(status).toBe(200);
    expect(body.status).toBe('complete');
    expect(body.missing).toEqual([]);
    expect(Object.keys(body.results).sort()).toEqual(['chain1', 'chain2', 'chain3']);
    expect(body.results['chain1']).toMatchObject({ status: 'ok', result: { sku: 'SKU-1', totalCents: 3998 } });
    expect(body.results['chain2']).toMatchObject({ status: 'ok', result: { available: 65 } });
    expect(body.results['chain3']).toMatchObject({ status: 'ok', result: { carrier: 'parcel' } });
    expect(body.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps the uid the client gave and reports a chain error inside a complete aggregate', async () => {
    const uid = `order-${randomSuffix()}`;
    const { status, body } = await system.aggregate({ uid, payload: { sku: 'SKU-2', qty: 5, zip: '80331' } });

    expect(status).toBe(200);
    expect(body).toMatchObject({ uid, status: 'complete', missing: [] });
    expect(body.results['chain2']).toMatchObject({ status: 'error', error: { code: 'OUT_OF_STOCK' } });
  });

  it('answers a request produced to ops.req by kcat on the reply-to topic it named', async () => {
    const uid = `kcat-${randomSuffix()}`;
    const replyTo = `it.replies.${randomSuffix()}`;
    await kcat(['-P', '-t', system.topics.opsReq, '-k', uid, '-H', `reply-to=${replyTo}`], JSON.stringify({ uid, payload: ORDER }));

    const out = await waitFor('the aggregate on the reply topic', async () => {
      const text = await kcat(['-C', '-t', replyTo, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\n']);
      return text.includes(uid) ? text : undefined;
    });
    const [key, value] = out.trim().split('\t');
    expect(key).toBe(uid);
    const aggregate = JSON.parse(value as string) as { uid: string; status: string; results: Record<string, unknown> };
    expect(aggregate.uid).toBe(uid);
    expect(aggregate.status).toBe('complete');
    expect(Object.keys(aggregate.results).sort()).toEqual(['chain1', 'chain2', 'chain3']);
  });

  it('answers an ops.req request whose time ran out in a backlog with DEADLINE_EXPIRED at once, asking no chain', async () => {
    const uid = `stale-${randomSuffix()}`;
    const replyTo = `it.replies.${randomSuffix()}`;
    await createTopic(replyTo);
    // Produced "10 s ago" with a 2 s timeout: its time counts from the record's timestamp.
    await produce(system.topics.opsReq, {
      key: uid,
      value: JSON.stringify({ uid, payload: ORDER, timeoutMs: 2000 }),
      headers: { 'reply-to': replyTo },
      timestamp: Date.now() - 10_000,
    });
    const message = await readUntil(replyTo, (m) => m.key?.toString() === uid);
    expect(JSON.parse(String(message.value))).toMatchObject({ uid, status: 'error', error: { code: 'DEADLINE_EXPIRED' } });
    // No chain was asked: none of them logged the uid (they run at LOG_LEVEL=debug).
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const chain of system.chains.values()) expect(chain.find((l) => l['uid'] === uid)).toBeUndefined();
  });

  it('dead-letters a message on ops.req that is not JSON, with its reason, and goes on serving', async () => {
    const key = `garbage-${randomSuffix()}`;
    await produce(system.topics.opsReq, { key, value: 'this is not json', headers: { 'x-origin': 'test' } });

    const dead = await readUntil(system.topics.opsDlq, (m) => m.key?.toString() === key);
    expect(dead.value?.toString()).toBe('this is not json');
    expect(headersOf(dead)).toMatchObject({
      'dlq-source-topic': system.topics.opsReq,
      'dlq-service': 'ops',
      'x-origin': 'test',
    });
    expect(headersOf(dead)['dlq-reason']).toMatch(/^MSG_NOT_JSON: /);
    expect(headersOf(dead)['dlq-source-offset']).toMatch(/^\d+$/);

    const { status, body } = await system.aggregate({ payload: ORDER });
    expect(status).toBe(200);
    expect(body.status).toBe('complete');
  });

  it('asks a chain registered by hand with etcdctl, and stops asking it once its lease is revoked', async () => {
    const chain = system.handMadeChain(`handmade-${randomSuffix()}`);
    await chain.start();
    try {
      const lease = await grantLease(30);
      const instanceId = `by-hand-${randomSuffix()}`;
      const record = { name: chain.name, kind: 'chain', topic: chain.topic, instanceId };
      await etcdctl('put', `--lease=${lease}`, `${system.prefix}${chain.name}/${instanceId}`, JSON.stringify(record));
      await system.waitForServices(['chain1', 'chain2', 'chain3', chain.name]);

      const asked = await system.aggregate({ payload: ORDER });
      expect(asked.body.status).toBe('complete');
      expect(asked.body.results[chain.name]).toMatchObject({ status: 'ok', result: { handMade: true, echo: ORDER } });
      expect(chain.seen).toContain(asked.body.uid);

      await etcdctl('lease', 'revoke', lease);
      await system.waitForServices(['chain1', 'chain2', 'chain3']);
      const after = await system.aggregate({ payload: ORDER });
      expect(Object.keys(after.body.results).sort()).toEqual(['chain1', 'chain2', 'chain3']);
      expect(chain.seen).not.toContain(after.body.uid);
    } finally {
      await chain.stop();
    }
  });

  it('asks only the services a request names', async () => {
    const { body } = await system.aggregate({ payload: ORDER, services: ['chain1', 'chain3'] });
    expect(body.status).toBe('complete');
    expect(Object.keys(body.results).sort()).toEqual(['chain1', 'chain3']);
  });

  it('refuses bad HTTP input with a JSON error that names the problem', async () => {
    const invalidJson = await system.request('{"payload": ');
    expect(invalidJson.status).toBe(400);
    expect(invalidJson.body.error?.code).toBe('INVALID_REQUEST');

    const badUid = await system.request({ uid: 'not a valid uid!', payload: {} });
    expect(badUid.status).toBe(400);
    expect(badUid.body.error?.message).toMatch(/uid/);

    const wrongType = await system.request('payload=1', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);

    const tooLarge = await system.request({ payload: 'x'.repeat(2 * 1024 * 1024) });
    expect(tooLarge.status).toBe(413);
  });

  it('carries a W3C traceparent from the HTTP request through Kafka to the chains and back; logs name the trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const uid = `traced-${randomSuffix()}`;
    const response = await fetch(`${system.opsUrl}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ uid, payload: ORDER }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    for (const name of ['chain1', 'chain2', 'chain3']) {
      const line = await waitFor(`${name} to log the request`, () => system.chains.get(name)?.find((l) => l['uid'] === uid));
      expect({ name, traceId: line['traceId'] }).toEqual({ name, traceId });
    }
    const formed = await waitFor('ops to log the aggregate', () =>
      system.ops.find((l) => l['uid'] === uid && l.msg === 'aggregate formed'),
    );
    expect(formed['traceId']).toBe(traceId);

    const kafkaUid = `traced-k-${randomSuffix()}`;
    const replyTo = `${system.topics.opsAgg}.traced`;
    await createTopic(replyTo, 3);
    await produce(system.topics.opsReq, {
      key: kafkaUid,
      value: JSON.stringify({ uid: kafkaUid, payload: ORDER }),
      headers: { 'reply-to': replyTo, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const answer = await readUntil(replyTo, (m) => m.key?.toString() === kafkaUid);
    expect(headersOf(answer)['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });
});
