import pino from 'pino';
import type { Aggregate } from '../contract/aggregate';
import { topicNames } from '../contract/headers';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { InboundMessage } from '../ports/inbound-message';
import { InMemoryTransport } from '../testing/in-memory.transport';
import { OpsClient, type OpsClientOptions } from './ops.client';

const logger = pino({ level: 'silent' });
const topics = topicNames();

/** What the stand-in for ops answers a request with uid `uid` (a valid complete aggregate unless a test says otherwise). */
type Answering = (uid: string) => unknown;

const aggregateFor = (uid: string): Aggregate => ({
  uid,
  status: 'complete',
  results: { chain1: { status: 'ok', result: { for: uid }, latencyMs: 3 } },
  missing: [],
  elapsedMs: 5,
});

/** Plays ops on `transport`: answers every request on `ops.req` on its `reply-to` topic, keyed by its uid. */
function opsStandIn(transport: InMemoryTransport, answering: Answering = aggregateFor): InboundMessage[] {
  const requests: InboundMessage[] = [];
  const producer = transport.createProducer();
  transport.onProduce(topics.opsReq, (message) => {
    requests.push(message);
    const uid = String(message.key);
    void producer.send([{ topic: message.headers['reply-to'] ?? topics.opsAgg, key: uid, value: JSON.stringify(answering(uid)) }]);
  });
  return requests;
}

const clients: OpsClient[] = [];

function client(transport: InMemoryTransport, options: Partial<OpsClientOptions> = {}): OpsClient {
  const made = new OpsClient({ transport, logger, ...options } as OpsClientOptions);
  clients.push(made);
  return made;
}

const deadLetters = (transport: InMemoryTransport) => transport.produced.filter((m) => m.topic === topics.opsDlq);

/** The first dead letter on `transport`, once one was sent (the request is rejected before it goes out). */
async function firstDeadLetter(transport: InMemoryTransport) {
  for (let i = 0; i < 100 && deadLetters(transport).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return deadLetters(transport)[0];
}

async function rejection(promise: Promise<unknown>): Promise<MessagingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MessagingError)) throw new Error(`expected a MessagingError, got ${String(error)}`);
  return error;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('OpsClient', () => {
  it('sends a request keyed by its uid to ops.req with reply-to the shared ops.agg, and resolves with its answer', async () => {
    const transport = new InMemoryTransport();
    const requests = opsStandIn(transport);
    const answer = await client(transport).request({ uid: 'order-42', payload: { sku: 'SKU-1' }, timeoutMs: 2000 });

    expect(answer).toEqual(aggregateFor('order-42'));
    expect(requests).toHaveLength(1);
    expect(String(requests[0]?.key)).toBe('order-42');
    expect(requests[0]?.headers).toEqual({ 'reply-to': 'ops.agg' });
    expect(JSON.parse(String(requests[0]?.value))).toEqual({ uid: 'order-42', payload: { sku: 'SKU-1' }, timeoutMs: 2000 });
  });

  it('gives a request without a uid one of its own', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport);
    const answer = await client(transport).request({ payload: 1 });
    expect(answer.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets two clients share the reply topic: each gets only its own answers, and neither dead-letters the other`s', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport);
    const [a, b] = [client(transport), client(transport)];
    const answers = await Promise.all([
      a.request({ uid: 'a-1', payload: 1 }),
      b.request({ uid: 'b-1', payload: 2 }),
      a.request({ uid: 'a-2', payload: 3 }),
      b.request({ uid: 'b-2', payload: 4 }),
    ]);

    expect(answers.map((answer) => answer.uid)).toEqual(['a-1', 'b-1', 'a-2', 'b-2']);
    expect(a.replyTopic).toBe(b.replyTopic);
    expect(a.groupId).not.toBe(b.groupId);
    expect(deadLetters(transport)).toEqual([]);
  });

  it('dead-letters an answer that breaks contract §3, with its reason, and rejects its request at once', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport, (uid) => ({ ...aggregateFor(uid), missing: ['chain1'] }));
    const error = await rejection(client(transport, { graceMs: 60_000 }).request({ uid: 'broken-1', payload: 1 }));

    expect(error.code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
    expect(error.message).toContain('the answer to broken-1 is invalid: "missing" must name exactly');
    const dead = await firstDeadLetter(transport);
    expect(String(dead?.key)).toBe('broken-1');
    expect(dead?.headers).toMatchObject({ 'dlq-service': 'ops-client', 'dlq-source-topic': 'ops.agg' });
    expect(dead?.headers?.['dlq-reason']).toMatch(/^MSG_ENVELOPE_INVALID: "missing" must name exactly the services/);
  });

  it('skips, unread, a message on the reply topic that it does not wait for, even one that is no answer at all', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport);
    const ops = client(transport);
    await ops.start();
    await transport.createProducer().send([
      { topic: topics.opsAgg, key: 'someone-elses', value: 'not json' },
      { topic: topics.opsAgg, key: null, value: '{}' },
    ]);
    expect((await ops.request({ uid: 'after', payload: 1 })).uid).toBe('after'); // read after the two above
    expect(deadLetters(transport)).toEqual([]);
  });

  it('dead-letters an answer whose key is not its uid', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport, () => aggregateFor('someone-else'));
    const error = await rejection(client(transport).request({ uid: 'mine-1', payload: 1 }));

    expect(error.code).toBe(MessagingErrorCodes.ENVELOPE_INVALID);
    expect((await firstDeadLetter(transport))?.headers?.['dlq-reason']).toBe(
      'MSG_ENVELOPE_INVALID: key "mine-1" is not the uid "someone-else"',
    );
  });

  it('rejects with MSG_REQUEST_TIMEOUT when no answer comes within the timeout and grace', async () => {
    const ops = client(new InMemoryTransport(), { graceMs: 20 });
    const error = await rejection(ops.request({ uid: 'lost-1', payload: 1, timeoutMs: 1 }));
    expect(error.code).toBe(MessagingErrorCodes.REQUEST_TIMEOUT);
    expect(error.retriable).toBe(false);
  });

  it('refuses a uid it already waits for, without sending it again', async () => {
    const transport = new InMemoryTransport();
    const ops = client(transport);
    const first = ops.request({ uid: 'twice', payload: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await rejection(ops.request({ uid: 'twice', payload: 1 }))).code).toBe(MessagingErrorCodes.DUPLICATE_UID);
    expect(transport.produced.filter((m) => m.topic === topics.opsReq)).toHaveLength(1);
    void first.catch(() => undefined);
  });

  it('rejects with the publish error when the request cannot be sent, and forgets its uid', async () => {
    const transport = new InMemoryTransport();
    opsStandIn(transport);
    const ops = client(transport);
    await ops.start();
    transport.produceError = new Error('broker away');
    const error = await rejection(ops.request({ uid: 'again', payload: 1 }));
    expect(error).toMatchObject({ code: MessagingErrorCodes.KAFKA_UNAVAILABLE, message: expect.stringContaining('broker away') });
    transport.produceError = undefined;
    expect((await ops.request({ uid: 'again', payload: 1 })).uid).toBe('again');
  });

  it('sends to a reply topic the caller names, creating it when missing', async () => {
    const transport = new InMemoryTransport();
    const requests = opsStandIn(transport);
    await client(transport, { replyTopic: 'billing.replies' }).request({ uid: 'b-1', payload: 1 });
    expect(requests[0]?.headers['reply-to']).toBe('billing.replies');
    expect(transport.admin.topics.get('billing.replies')).toBe(3);
  });

  it('on close rejects the requests still waiting, and leaves nothing behind: its group is deleted, no topic of its own was made', async () => {
    const transport = new InMemoryTransport();
    transport.admin.topics.set(topics.opsAgg, 3); // made by ops at its start
    const ops = client(transport);
    await ops.start();
    expect(transport.admin.groups.get(ops.groupId)).toBe(1);
    const waiting = ops.request({ uid: 'w-1', payload: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));

    await ops.close();
    expect((await rejection(waiting)).code).toBe(MessagingErrorCodes.CLOSED);
    expect([...transport.admin.groups.keys()]).toEqual([]);
    expect([...transport.admin.topics.keys()]).toEqual([topics.opsAgg]);
    expect(transport.commits).toEqual([]);
    expect((await rejection(ops.request({ payload: 1 }))).code).toBe(MessagingErrorCodes.CLOSED);
  });

  it('closes even when its group cannot be deleted (the broker removes it later)', async () => {
    const transport = new InMemoryTransport();
    const ops = client(transport);
    await ops.start();
    transport.admin.unavailable = true;
    await expect(ops.close()).resolves.toBeUndefined();
  });

  it('makes its own Kafka client from brokers and a client id: @platformatic/kafka unless told otherwise', () => {
    const made = (options: object) => new OpsClient({ logger, brokers: ['127.0.0.1:9092'], clientId: 'my-service', ...options });
    expect(made({}).transport.client).toBe('platformatic');
    expect(made({ client: 'kafkajs' }).transport.client).toBe('kafkajs');
    expect(() => new OpsClient({ logger, brokers: [], clientId: 'my-service' })).toThrow(
      expect.objectContaining({ code: MessagingErrorCodes.CONFIG_INVALID }),
    );
  });
});
