import { randomUUID } from 'node:crypto';
import type { PartitionMetadata } from 'kafkajs';
// kafkajs' own (64-bit Long based) murmur2: the reference this implementation must match.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;
import { KeyHashPartitioner, murmur2, partitionOfKey } from './key-hash.partitioner';

const partitions = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 1,
    replicas: [1],
    isr: [1],
  }));

describe('murmur2', () => {
  it("gives the Java client's values (Kafka's UtilsTest vectors)", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it("matches kafkajs' default partitioner hash for uids, unicode and every tail length", () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'ключ-😀', ...Array.from({ length: 500 }, () => randomUUID())];
    for (const key of keys) expect(murmur2(Buffer.from(key))).toBe(kafkajsMurmur2(key));
  });
});

describe('KeyHashPartitioner', () => {
  it('puts a keyed message where Kafka clients put it, and honours a fixed partition', () => {
    const partition = KeyHashPartitioner();
    for (const key of Array.from({ length: 50 }, () => randomUUID())) {
      const expected = (kafkajsMurmur2(key) & 0x7fffffff) % 6;
      expect(partition({ topic: 't', partitionMetadata: partitions(6), message: { key, value: 'v' } })).toBe(expected);
      expect(partitionOfKey(key, 6)).toBe(expected);
    }
    expect(partition({ topic: 't', partitionMetadata: partitions(6), message: { key: 'k', value: 'v', partition: 4 } })).toBe(4);
  });

  it('spreads keyless messages round robin over partitions that have a leader', () => {
    const partition = KeyHashPartitioner();
    const seen = Array.from({ length: 8 }, () =>
      partition({ topic: 't', partitionMetadata: partitions(3, [1]), message: { key: null, value: 'v' } }),
    );
    expect(new Set(seen)).toEqual(new Set([0, 2]));
  });
});
