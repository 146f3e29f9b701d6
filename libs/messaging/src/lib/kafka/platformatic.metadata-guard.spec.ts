import { Producer } from '@platformatic/kafka';
import { guardMetadataLookups } from './platformatic.metadata-guard';

type Lookup = (
  options: { topics?: string[]; forceUpdate?: boolean },
  callback: (error: Error | null, metadata?: { topics: Map<string, unknown> }) => void,
) => void;

/** A client stand-in whose lookup is keyed as the library keys it. */
function fakeClient(answer: (options: { topics?: string[]; forceUpdate?: boolean }) => Map<string, unknown>) {
  const calls: Array<{ topics?: string[]; forceUpdate?: boolean }> = [];
  const symbol = Symbol('plt.kafka.base.metadata');
  class Base {
    [symbol]: Lookup = () => undefined;
  }
  Object.defineProperty(Base.prototype, symbol, {
    value(options: { topics?: string[]; forceUpdate?: boolean }, callback: Parameters<Lookup>[1]) {
      calls.push(options);
      callback(null, { topics: answer(options) });
    },
    writable: true,
  });
  const client = Object.create(Base.prototype) as Record<symbol, Lookup>;
  return {
    client,
    calls,
    lookup: (options: { topics?: string[] }) => new Promise((resolve) => client[symbol]?.(options, (_e, m) => resolve(m))),
  };
}

describe('guardMetadataLookups', () => {
  it('asks again with forceUpdate when an answer misses a topic it asked for (the cache was cleared meanwhile)', async () => {
    const { client, calls, lookup } = fakeClient((options) =>
      options.forceUpdate
        ? new Map([
            ['a', 1],
            ['b', 2],
          ])
        : new Map<string, unknown>([
            ['a', 1],
            ['b', undefined],
          ]),
    );
    expect(guardMetadataLookups(client)).toBe(true);
    const metadata = (await lookup({ topics: ['a', 'b'] })) as { topics: Map<string, unknown> };
    expect(metadata.topics.get('b')).toBe(2);
    expect(calls).toEqual([{ topics: ['a', 'b'] }, { topics: ['a', 'b'], forceUpdate: true }]);
  });

  it('passes a complete answer through, asking once', async () => {
    const { client, calls, lookup } = fakeClient(() => new Map([['a', 1]]));
    guardMetadataLookups(client);
    await lookup({ topics: ['a'] });
    expect(calls).toHaveLength(1);
  });

  it('finds the lookup on the real @platformatic/kafka Producer (the library keeps its symbol)', () => {
    const producer = new Producer({ clientId: 'guard-test', bootstrapBrokers: ['127.0.0.1:1'] });
    try {
      expect(guardMetadataLookups(producer)).toBe(true);
    } finally {
      void producer.close();
    }
  });

  it('leaves a client without the lookup alone', () => {
    expect(guardMetadataLookups({})).toBe(false);
  });
});
