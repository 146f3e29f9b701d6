import { ServiceCatalog } from '@gateway/discovery';
import {
  isValidUid,
  MessagingError,
  MessagingErrorCodes,
  ScatterGatherAggregator,
  validateOpsAnswer,
  type Aggregate,
  type ChainReply,
  type OpsAnswer,
  type OutgoingMessage,
  type PublishOptions,
} from '@gateway/messaging';
import pino from 'pino';
import { Admission, FixedLimit } from './admission/admission';
import { Gateway, type GatewayOptions, type RequestSource } from './gateway';
import { FakeClock, InMemoryPublisher } from '@gateway/messaging/testing';

const NOW = 1_700_000_000_000;

function chain(name: string, instanceId = 'a') {
  return { name, kind: 'chain' as const, topic: `${name}.req`, instanceId };
}

function ok(uid: string, service: string, result: unknown = { from: service }): ChainReply {
  return { uid, service, ok: true, result };
}

/** Every answer the gateways of this file formed, as a client reads it (JSON), checked after each test. */
const formed: unknown[] = [];
/** The kinds of answer and of result checked so far: the check must have seen every kind. */
const kindsChecked = new Set<string>();

function setup(overrides: Partial<GatewayOptions> = {}, services = ['chain1', 'chain2']) {
  const clock = new FakeClock(NOW);
  const catalog = new ServiceCatalog();
  services.forEach((name) => catalog.upsert(chain(name)));
  const aggregator = new ScatterGatherAggregator({ clock });
  const publisher = new InMemoryPublisher();
  const answers: Array<{ answer: OpsAnswer; source: RequestSource; seconds: number }> = [];
  const gateway = new Gateway({
    catalog,
    aggregator,
    publisher,
    logger: pino({ level: 'silent' }),
    replyTopic: 'ops.resp',
    defaultTimeoutMs: 3000,
    admission: new Admission({ limit: new FixedLimit(100) }),
    onAnswer: (answer, source, seconds) => {
      formed.push(JSON.parse(JSON.stringify(answer)));
      answers.push({ answer, source, seconds });
    },
    ...overrides,
  });
  return { clock, catalog, aggregator, publisher, gateway, answers };
}

function body(message: OutgoingMessage): unknown {
  return JSON.parse(String(message.value));
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

function asAggregate(answer: OpsAnswer): Aggregate {
  if (answer.status === 'error') throw new Error(`expected an aggregate, got ${JSON.stringify(answer)}`);
  return answer;
}

describe('Gateway', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
  afterEach(() => jest.restoreAllMocks());

  // The clients' validator (OpsClient decodes with it) accepts every answer ops forms, unchanged.
  afterEach(() => {
    for (const answer of formed.splice(0)) {
      expect(validateOpsAnswer(answer)).toEqual({ ok: true, value: answer });
      const { status, results } = answer as OpsAnswer & { results?: Aggregate['results'] };
      kindsChecked.add(status);
      Object.values(results ?? {}).forEach((result) => kindsChecked.add(`result ${result.status}`));
    }
  });
  afterAll(() => {
    const kinds = ['complete', 'partial', 'error', 'result ok', 'result error', 'result timeout', 'result left', 'result pending'];
    expect([...kindsChecked].sort()).toEqual(kinds.sort());
  });

  describe('broadcast', () => {
    it('sends the request to every registered chain topic with key uid, body {uid,payload,deadline} and reply-to', async () => {
      const { gateway, publisher, aggregator } = setup();
      const submission = gateway.submit({ uid: 'order-42', payload: { sku: 'A1' }, timeoutMs: 2000 }, 'http');
      expect(submission).toMatchObject({ uid: 'order-42', joined: false });
      // One publish per chain, each retried until 50 ms before the deadline if Kafka fails it.
      expect(publisher.calls).toBe(2);
      expect(publisher.options.map((o) => o.retryUntil)).toEqual([NOW + 2000 - 50, NOW + 2000 - 50]);
      expect(publisher.messages.map((m) => m.topic).sort()).toEqual(['chain1.req', 'chain2.req']);
      for (const message of publisher.messages) {
        expect(message.key).toBe('order-42');
        expect(body(message)).toEqual({ uid: 'order-42', payload: { sku: 'A1' }, deadline: NOW + 2000 });
        expect(message.headers).toEqual({ 'reply-to': 'ops.resp' });
      }
      aggregator.offer(ok('order-42', 'chain1'));
      aggregator.offer(ok('order-42', 'chain2'));
      const answer = asAggregate(await submission.answer);
      expect(answer.status).toBe('complete');
      expect(Object.keys(answer.results)).toEqual(['chain1', 'chain2']);
    });

    it('adds reply-partition when this instance owns one', () => {
      const { gateway, publisher } = setup({ replyPartition: () => 2 });
      gateway.submit({ uid: 'u1', payload: null }, 'kafka');
      expect(publisher.messages[0]?.headers).toEqual({ 'reply-to': 'ops.resp', 'reply-partition': '2' });
    });

    it('uses the default timeout when the request names none', async () => {
      const { gateway, publisher, clock } = setup();
      const { answer } = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(body(publisher.messages[0] as OutgoingMessage)).toMatchObject({ deadline: NOW + 3000 });
      clock.advance(2999);
      expect(await isSettled(answer)).toBe(false);
      clock.advance(1);
      expect(asAggregate(await answer)).toMatchObject({ status: 'partial', missing: ['chain1', 'chain2'], elapsedMs: 3000 });
    });

    it('does not broadcast to gateway-kind records', () => {
      const { gateway, publisher, catalog } = setup();
      catalog.upsert({ name: 'ops', kind: 'gateway', topic: 'ops.req', instanceId: 'g1' });
      gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(publisher.messages.map((m) => m.topic).sort()).toEqual(['chain1.req', 'chain2.req']);
    });

    it('sends one message per service, whatever its number of instances', () => {
      const { gateway, publisher, catalog } = setup();
      catalog.upsert(chain('chain1', 'b'));
      gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(publisher.messages).toHaveLength(2);
    });

    it('asks only the services the request names', async () => {
      const { gateway, publisher, aggregator } = setup({}, ['chain1', 'chain2', 'chain3']);
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, services: ['chain3', 'chain1'] }, 'http');
      expect(publisher.messages.map((m) => m.topic)).toEqual(['chain3.req', 'chain1.req']);
      expect(aggregator.offer(ok('u1', 'chain2'))).toBe('unasked');
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain3'));
      expect(asAggregate(await answer)).toMatchObject({ status: 'complete', missing: [] });
    });

    it('refuses a request naming a service that is not registered with UNKNOWN_SERVICE, and asks no chain', async () => {
      const { gateway, publisher, aggregator } = setup();
      const answer = await gateway.submit({ uid: 'u1', payload: 1, services: ['chain1', 'chainX', 'chainY'] }, 'http').answer;
      expect(answer).toMatchObject({ uid: 'u1', status: 'error', error: { code: 'UNKNOWN_SERVICE' } });
      expect(answer.status === 'error' && answer.error.message).toContain('chainX, chainY');
      expect(publisher.calls).toBe(0);
      expect(aggregator.inFlight).toBe(0);
    });

    it('passes the completion rule on', async () => {
      const { gateway, aggregator } = setup();
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, completion: 'any' }, 'http');
      aggregator.offer(ok('u1', 'chain2'));
      expect(asAggregate(await answer)).toMatchObject({ status: 'complete', results: { chain1: { status: 'pending' } } });
    });

    it('makes a uid when the request has none', async () => {
      const { gateway, publisher, aggregator } = setup();
      const submission = gateway.submit({ payload: 1 }, 'http');
      expect(isValidUid(submission.uid)).toBe(true);
      expect(publisher.messages.every((m) => m.key === submission.uid)).toBe(true);
      expect(body(publisher.messages[0] as OutgoingMessage)).toMatchObject({ uid: submission.uid });
      aggregator.offer(ok(submission.uid, 'chain1'));
      aggregator.offer(ok(submission.uid, 'chain2'));
      expect((await submission.answer).uid).toBe(submission.uid);
      expect(gateway.submit({ payload: 1 }, 'http').uid).not.toBe(submission.uid);
    });
  });

  describe('refusals', () => {
    it('answers NO_SERVICES when no chain is registered', async () => {
      const { gateway, publisher, answers } = setup({}, []);
      const { answer } = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(await answer).toEqual({ uid: 'u1', status: 'error', error: { code: 'NO_SERVICES', message: expect.any(String) } });
      expect(publisher.calls).toBe(0);
      expect(gateway.inFlight).toBe(0);
      expect(answers).toHaveLength(1);
    });

    it('answers NO_SERVICES when only gateways are registered', async () => {
      const { gateway, catalog } = setup({}, []);
      catalog.upsert({ name: 'ops', kind: 'gateway', topic: 'ops.req', instanceId: 'g1' });
      expect(await gateway.submit({ uid: 'u1', payload: 1 }, 'http').answer).toMatchObject({
        status: 'error',
        error: { code: 'NO_SERVICES' },
      });
    });

    it('answers UNKNOWN_SERVICE, not NO_SERVICES, when none of the named services is registered', async () => {
      const { gateway, aggregator } = setup({}, []);
      const answer = await gateway.submit({ uid: 'u1', payload: 1, services: ['chainX'] }, 'http').answer;
      expect(answer).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_SERVICE' } });
      expect(aggregator.inFlight).toBe(0);
    });

    it('answers OVERLOADED beyond the admission limit, and admits again once a request is answered', async () => {
      const { gateway, aggregator, publisher } = setup({ admission: new Admission({ limit: new FixedLimit(1) }) });
      const first = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      const second = gateway.submit({ uid: 'u2', payload: 1 }, 'http');
      expect(await second.answer).toMatchObject({ uid: 'u2', status: 'error', error: { code: 'OVERLOADED' } });
      expect(publisher.messages.every((m) => m.key === 'u1')).toBe(true);
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      expect((await first.answer).status).toBe('complete');
      const third = gateway.submit({ uid: 'u3', payload: 1 }, 'http');
      expect(gateway.inFlight).toBe(1);
      expect(await isSettled(third.answer)).toBe(false);
    });

    it('answers SHUTTING_DOWN after stopAccepting, and still answers what it holds', async () => {
      const { gateway, aggregator } = setup();
      const held = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      gateway.stopAccepting();
      expect(await gateway.submit({ uid: 'u2', payload: 1 }, 'kafka').answer).toMatchObject({
        uid: 'u2',
        status: 'error',
        error: { code: 'SHUTTING_DOWN' },
      });
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      expect((await held.answer).status).toBe('complete');
    });

    it('answers KAFKA_UNAVAILABLE when the broadcast cannot be published, and holds nothing after', async () => {
      const { gateway, aggregator, publisher, answers } = setup();
      publisher.failWith(new Error('broker down'));
      const { answer } = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      const result = await answer;
      expect(result).toMatchObject({ uid: 'u1', status: 'error', error: { code: 'KAFKA_UNAVAILABLE' } });
      expect(result.status === 'error' && result.error.message).toContain('broker down');
      expect(gateway.inFlight).toBe(0);
      expect(aggregator.inFlight).toBe(0);
      expect(answers).toHaveLength(1);
      // the same uid can be tried again once Kafka is back
      publisher.failWith(undefined);
      const retry = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(retry.joined).toBe(false);
      expect(publisher.messages).toHaveLength(2);
    });

    it("asks the chains it could reach when one chain's message cannot be published: that chain ends timeout, the answer is partial", async () => {
      const { gateway, aggregator, publisher, clock } = setup();
      publisher.failWith(new Error('no leader for chain2.req'), ['chain2.req']);
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 1000 }, 'http');
      await new Promise((resolve) => setImmediate(resolve));
      expect(publisher.messages.map((m) => m.topic)).toEqual(['chain1.req']);
      aggregator.offer(ok('u1', 'chain1'));
      clock.advance(1000);
      const result = asAggregate(await answer);
      expect(result).toMatchObject({
        status: 'partial',
        missing: ['chain2'],
        results: { chain1: { status: 'ok' }, chain2: { status: 'timeout' } },
      });
    });
  });

  describe('a broker that stops answering', () => {
    it('answers at the deadline even while a send hangs (a paused broker holds it until the client gives up)', async () => {
      let sends = 0;
      const hangingForChain2 = {
        publish: (messages: OutgoingMessage[]) => (
          sends++,
          messages[0]?.topic === 'chain2.req' ? new Promise<void>(() => undefined) : Promise.resolve()
        ),
      };
      const { gateway, clock } = setup({ publisher: hangingForChain2 });
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(500);
      const result = asAggregate(await answer);
      expect(sends).toBe(2);
      expect(result).toMatchObject({ status: 'partial', missing: ['chain1', 'chain2'] });
      expect(gateway.inFlight).toBe(0);
    });

    it('answers KAFKA_UNAVAILABLE at the deadline when every send failed and none went through by then', async () => {
      const failingThenHanging = {
        publish: (_m: OutgoingMessage[], options?: PublishOptions) => {
          options?.onRetry?.(new Error('no leader'));
          return new Promise<void>(() => undefined);
        },
      };
      const { gateway, clock } = setup({ publisher: failingThenHanging });
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      clock.advance(500);
      expect(await answer).toMatchObject({ uid: 'u1', status: 'error', error: { code: 'KAFKA_UNAVAILABLE' } });
      expect(gateway.inFlight).toBe(0);
    });

    it('answers the aggregate, not KAFKA_UNAVAILABLE, when every send failed but a chain answered (its message was written after all)', async () => {
      const rejects: Array<(error: Error) => void> = [];
      const answerLost = { publish: () => new Promise<void>((_resolve, reject) => rejects.push(reject)) };
      const { gateway, aggregator, clock } = setup({ publisher: answerLost });
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      await new Promise((resolve) => setImmediate(resolve));
      expect(aggregator.offer(ok('u1', 'chain1'))).toBe('accepted');
      // The broker shut down before it answered the produce requests it had written.
      rejects.forEach((reject) => reject(new Error('connection closed')));
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(500);
      expect(asAggregate(await answer)).toMatchObject({
        status: 'partial',
        results: { chain1: { status: 'ok' }, chain2: { status: 'timeout' } },
      });
    });

    it('waits for the chains when every send failed in a way worth retrying (it may have been written): their replies decide by the deadline', async () => {
      const unavailable = () => new MessagingError(MessagingErrorCodes.KAFKA_UNAVAILABLE, 'connection closed');
      const answeredLate = setup({ publisher: { publish: () => Promise.reject(unavailable()) } });
      const late = answeredLate.gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      await new Promise((resolve) => setImmediate(resolve));
      expect(await isSettled(late.answer)).toBe(false);
      answeredLate.aggregator.offer(ok('u1', 'chain1'));
      answeredLate.clock.advance(500);
      expect(asAggregate(await late.answer)).toMatchObject({
        status: 'partial',
        results: { chain1: { status: 'ok' }, chain2: { status: 'timeout' } },
      });

      const silent = setup({ publisher: { publish: () => Promise.reject(unavailable()) } });
      const refused = silent.gateway.submit({ uid: 'u2', payload: 1, timeoutMs: 500 }, 'http');
      await new Promise((resolve) => setImmediate(resolve));
      silent.clock.advance(500);
      expect(await refused.answer).toMatchObject({ uid: 'u2', status: 'error', error: { code: 'KAFKA_UNAVAILABLE' } });
      expect(silent.gateway.inFlight).toBe(0);
    });

    it('answers the aggregate at the deadline when sends failed and hang but a chain answered', async () => {
      const failingThenHanging = {
        publish: (_m: OutgoingMessage[], options?: PublishOptions) => {
          options?.onRetry?.(new Error('no leader'));
          return new Promise<void>(() => undefined);
        },
      };
      const { gateway, aggregator, clock } = setup({ publisher: failingThenHanging });
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      aggregator.offer(ok('u1', 'chain2'));
      clock.advance(500);
      expect(asAggregate(await answer)).toMatchObject({ status: 'partial', missing: ['chain1'] });
    });

    it('answers the aggregate at the deadline when the sends are only slow (no failure: a flood, not an outage)', async () => {
      const slow = { publish: () => new Promise<void>(() => undefined) };
      const { gateway, clock } = setup({ publisher: slow });
      const { answer } = gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 500 }, 'http');
      clock.advance(500);
      expect(asAggregate(await answer)).toMatchObject({ status: 'partial', missing: ['chain1', 'chain2'] });
    });
  });

  describe('one answer per uid', () => {
    it('joins a request whose uid is in flight: one broadcast, the same answer', async () => {
      const { gateway, aggregator, publisher, answers } = setup();
      const first = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      const second = gateway.submit({ uid: 'u1', payload: 'other' }, 'kafka');
      expect(second.joined).toBe(true);
      expect(second.answer).toBe(first.answer);
      expect(publisher.calls).toBe(2); // one broadcast: a message to each of the two chains
      expect(gateway.inFlight).toBe(1);
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      expect(await second.answer).toBe(await first.answer);
      expect(answers).toHaveLength(1);
    });

    it('calls onAnswer once per answer with its source and a duration', async () => {
      const { gateway, aggregator, answers } = setup({}, ['chain1']);
      const a = gateway.submit({ uid: 'a', payload: 1 }, 'http');
      const b = gateway.submit({ uid: 'b', payload: 1, services: ['nope'] }, 'kafka');
      aggregator.offer(ok('a', 'chain1'));
      await Promise.all([a.answer, b.answer]);
      expect(answers.map((x) => [x.answer.uid, x.source, x.answer.status])).toEqual(
        expect.arrayContaining([
          ['a', 'http', 'complete'],
          ['b', 'kafka', 'error'],
        ]),
      );
      expect(answers).toHaveLength(2);
      for (const x of answers) expect(x.seconds).toBeGreaterThanOrEqual(0);
    });

    it('counts in flight until the answer, then forgets the uid', async () => {
      const { gateway, aggregator } = setup();
      const { answer } = gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(gateway.inFlight).toBe(1);
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      await answer;
      expect(gateway.inFlight).toBe(0);
      expect(gateway.submit({ uid: 'u1', payload: 1 }, 'http').joined).toBe(false);
    });
  });

  describe('admission with a permit of the caller, deadlines, drained', () => {
    it('admitBy resolves at once below the limit', async () => {
      const { gateway } = setup({ admission: new Admission({ limit: new FixedLimit(2) }) });
      gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      expect(await gateway.admitBy(Date.now() + 1000)).toBeDefined();
    });

    it('admitBy waits at the limit until a request is answered; its permit runs the next request', async () => {
      const { gateway, aggregator, publisher } = setup({ admission: new Admission({ limit: new FixedLimit(1) }) });
      gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      const permit = gateway.admitBy(Date.now() + 60_000);
      expect(await isSettled(permit)).toBe(false);
      aggregator.offer(ok('u1', 'chain1'));
      aggregator.offer(ok('u1', 'chain2'));
      const granted = await permit;
      expect(granted).toBeDefined();
      gateway.submit({ uid: 'u2', payload: 1 }, 'kafka', undefined, { permit: granted });
      expect(publisher.messages.filter((m) => m.key === 'u2')).toHaveLength(2);
    });

    it('admitBy gives no permit once the gateway stops accepting', async () => {
      const { gateway } = setup({ admission: new Admission({ limit: new FixedLimit(1) }) });
      gateway.submit({ uid: 'u1', payload: 1 }, 'http');
      const permit = gateway.admitBy(Date.now() + 60_000);
      gateway.stopAccepting();
      expect(await permit).toBeUndefined();
    });

    it('a request whose time, counted from `since`, ran out is answered DEADLINE_EXPIRED and asks no chain', async () => {
      const { gateway, publisher } = setup();
      const permit = gateway.admit();
      const since = Date.now() - 5000;
      const answer = await gateway.submit({ uid: 'old', payload: 1, timeoutMs: 2000 }, 'kafka', undefined, { permit, since }).answer;
      expect(answer).toMatchObject({ uid: 'old', status: 'error', error: { code: 'DEADLINE_EXPIRED' } });
      expect(publisher.messages).toHaveLength(0);
      expect(gateway.admit()).toBeDefined(); // its permit was given back
    });

    it('a request that waited part of its time runs with what is left: the broadcast deadline counts from `since`', async () => {
      const { gateway, publisher } = setup();
      const since = Date.now() - 1500;
      gateway.submit({ uid: 'waited', payload: 1, timeoutMs: 2000 }, 'kafka', undefined, { permit: gateway.admit(), since });
      const deadline = (body(publisher.messages[0] as OutgoingMessage) as { deadline: number }).deadline;
      expect(deadline).toBe(since + 2000);
    });

    it('without a permit (refused by the caller) the answer is OVERLOADED; a duplicate uid gives its permit back', async () => {
      const admission = new Admission({ limit: new FixedLimit(2) });
      const { gateway } = setup({ admission });
      expect(await gateway.submit({ uid: 'x', payload: 1 }, 'kafka', undefined, { permit: undefined }).answer).toMatchObject({
        error: { code: 'OVERLOADED' },
      });
      gateway.submit({ uid: 'dup', payload: 1 }, 'http');
      expect(admission.inFlight).toBe(1);
      const joined = gateway.submit({ uid: 'dup', payload: 1 }, 'kafka', undefined, { permit: gateway.admit() });
      expect(joined.joined).toBe(true);
      expect(admission.inFlight).toBe(1);
    });

    it('drained resolves once every request in flight is answered', async () => {
      const { gateway, aggregator, clock } = setup();
      expect(await isSettled(gateway.drained())).toBe(true);
      gateway.submit({ uid: 'u1', payload: 1, timeoutMs: 100 }, 'http');
      gateway.submit({ uid: 'u2', payload: 1, timeoutMs: 500 }, 'http');
      gateway.stopAccepting();
      const drained = gateway.drained();
      clock.advance(100);
      expect(await isSettled(drained)).toBe(false);
      aggregator.offer(ok('u2', 'chain1'));
      aggregator.offer(ok('u2', 'chain2'));
      expect(await isSettled(drained)).toBe(true);
      expect(gateway.inFlight).toBe(0);
    });
  });

  describe('answers as clients read them', () => {
    it('forms an aggregate with a chain error and a service that left (checked with the rest after the test)', async () => {
      const { gateway, aggregator } = setup();
      const { answer } = gateway.submit({ uid: 'u1', payload: 1 }, 'kafka');
      aggregator.offer({ uid: 'u1', service: 'chain1', ok: false, error: { code: 'OUT_OF_STOCK', message: 'none left' } });
      aggregator.serviceLeft('chain2');
      expect(asAggregate(await answer)).toMatchObject({
        status: 'partial',
        results: { chain1: { status: 'error', error: { code: 'OUT_OF_STOCK' } }, chain2: { status: 'left' } },
        missing: ['chain2'],
      });
    });
  });
});
