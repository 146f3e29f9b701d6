import { ProduceAcks, Producer } from '@platformatic/kafka';
import { PlatformaticProduceClient } from './platformatic.produce-client';

describe('PlatformaticProduceClient', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks every send for the acks of all in-sync replicas (the library ignores a constructor acks and defaults to the leader alone)', async () => {
    const sends: Array<{ acks?: number }> = [];
    jest.spyOn(Producer.prototype, 'send').mockImplementation(((options: { acks?: number }) => {
      sends.push(options);
      return Promise.resolve({ offsets: [] });
    }) as unknown as Producer['send']);
    const client = new PlatformaticProduceClient({ brokers: ['127.0.0.1:1'] }, 'acks-test');
    await client.send([{ topic: 't', key: 'k', value: 'v' }]);
    await client.send([{ topic: 't', key: 'k2', value: 'v2' }]);
    expect(sends.map((s) => s.acks)).toEqual([ProduceAcks.ALL, ProduceAcks.ALL]);
    await client.disconnect();
  });
});
