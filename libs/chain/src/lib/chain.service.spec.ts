import { createLogger } from '@gateway/messaging';
import { InMemoryTransport } from '@gateway/messaging/testing';
import { InMemoryRegistration } from '@gateway/service/testing';
import { ChainError } from './chain-error';
import { readChainConfig } from './chain.config';
import { ChainService } from './chain.service';
import type { ChainHandler } from './chain.types';

/** A chain on in-memory parts: no Kafka, no etcd. */
function chainOf(handler: ChainHandler) {
  const transport = new InMemoryTransport();
  const registration = new InMemoryRegistration();
  const config = readChainConfig({ INSTANCE_ID: 'test-1' });
  const service = new ChainService({ name: 'tax', handler, config, logger: createLogger('tax', 'silent') }, { transport, registration });
  return { service, transport, registration };
}

const request = (uid: string, deadline = Date.now() + 5000, payload: unknown = { zip: '10115' }) =>
  Buffer.from(JSON.stringify({ uid, payload, deadline }));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('ChainService on in-memory parts', () => {
  it('starts by creating its topics, then consuming, then registering; ready once all are up', async () => {
    const { service, transport, registration } = chainOf(() => 'ok');
    expect(service.readinessProblems()).toContain('not started');
    let topicsAtRegistration: string[] = [];
    registration.onEvent = (event) => {
      if (event === 'start') topicsAtRegistration = [...transport.admin.topics.keys()].sort();
    };
    await service.start();
    expect(topicsAtRegistration).toEqual(['ops.dlq', 'ops.resp', 'tax.req']);
    expect(registration.events).toEqual(['start']);
    expect(service.readinessProblems()).toEqual([]);
    await service.close();
  });

  it("replies with the handler's result to the request's reply-to topic and reply-partition, then commits", async () => {
    const { service, transport } = chainOf((payload, context) => ({ echo: payload, uid: context.uid }));
    await service.start();
    await transport.deliver({
      topic: 'tax.req',
      key: Buffer.from('u1'),
      value: request('u1'),
      headers: { 'reply-to': 'ops.resp', 'reply-partition': '2' },
    });
    await until(() => transport.commits.length > 0);
    const [reply] = transport.producedTo('ops.resp');
    expect(reply).toMatchObject({ key: 'u1', partition: 2 });
    expect(JSON.parse(String(reply?.value))).toEqual({
      uid: 'u1',
      service: 'tax',
      ok: true,
      result: { echo: { zip: '10115' }, uid: 'u1' },
    });
    expect(transport.commits).toEqual([{ topic: 'tax.req', partition: 0, offset: '1' }]);
    expect(service.counters).toEqual({ handled: 1, failed: 0, expired: 0 });
    await service.close();
  });

  it("replies with a ChainError's code, and HANDLER_ERROR for any other error", async () => {
    const handler: ChainHandler = (payload) => {
      if ((payload as { zip: string }).zip === '99999') throw new ChainError('NO_DELIVERY', 'no delivery to 99999');
      throw new Error('database down');
    };
    const { service, transport } = chainOf(handler);
    await service.start();
    await transport.deliver({ topic: 'tax.req', key: Buffer.from('u1'), value: request('u1', undefined, { zip: '99999' }) });
    await transport.deliver({ topic: 'tax.req', key: Buffer.from('u2'), value: request('u2') });
    await until(() => transport.producedTo('ops.resp').length === 2);
    const errors = transport.producedTo('ops.resp').map((m) => (JSON.parse(String(m.value)) as { error: { code: string } }).error.code);
    expect(errors.sort()).toEqual(['HANDLER_ERROR', 'NO_DELIVERY']);
    expect(service.counters.failed).toBe(2);
    await service.close();
  });

  it('drops a request whose deadline has passed: no reply, counted, committed', async () => {
    let runs = 0;
    const { service, transport } = chainOf(() => runs++);
    await service.start();
    await transport.deliver({ topic: 'tax.req', key: Buffer.from('late'), value: request('late', Date.now() - 1) });
    await until(() => transport.commits.length > 0);
    expect(runs).toBe(0);
    expect(transport.producedTo('ops.resp')).toEqual([]);
    expect(service.counters.expired).toBe(1);
    await service.close();
  });

  it('dead-letters a message that is not a request, without running the handler', async () => {
    let runs = 0;
    const { service, transport } = chainOf(() => runs++);
    await service.start();
    await transport.deliver({ topic: 'tax.req', key: Buffer.from('x'), value: Buffer.from('not json') });
    await until(() => transport.producedTo('ops.dlq').length === 1);
    expect(transport.producedTo('ops.dlq')[0]?.headers?.['dlq-reason']).toMatch(/^MSG_NOT_JSON: /);
    expect(runs).toBe(0);
    await service.close();
  });

  it('on close, marks itself draining before it stops consuming, and deregisters after the requests in hand are answered', async () => {
    let release: () => void = () => undefined;
    const { service, transport, registration } = chainOf(() => new Promise((resolve) => (release = () => resolve('done'))));
    await service.start();
    await transport.deliver({ topic: 'tax.req', key: Buffer.from('u1'), value: request('u1') });
    let repliesAtClose = -1;
    registration.onEvent = (event) => {
      if (event === 'drain') setTimeout(() => release(), 50); // the request in hand finishes while draining
      if (event === 'close') repliesAtClose = transport.producedTo('ops.resp').length;
    };
    await service.close();
    expect(registration.events).toEqual(['start', 'drain', 'close']);
    expect(repliesAtClose).toBe(1);
    expect(service.readinessProblems()).toContain('not started');
  });
});
