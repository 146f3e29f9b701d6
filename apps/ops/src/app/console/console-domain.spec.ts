import type { Aggregate, InboundMessage } from '@gateway/messaging';
import { requestsToSend } from './console.feed';
import type { ConsoleRequest } from './console.events';
import { DeadLetterTail, toConsoleDeadLetter, VALUE_HEAD_BYTES } from './dead-letter-tail';
import { RequestRecorder, type FinishedRequest } from './request-recorder';
import { RequestRing } from './request-ring';
import { buildTopology } from './topology';
import { TrafficWindow } from './traffic-window';

const request = (uid: string, elapsedMs: number, status: ConsoleRequest['status'] = 'complete', traceId?: string): ConsoleRequest => ({
  uid,
  via: 'http',
  status,
  startedAt: 1000,
  elapsedMs,
  deadlineMs: 2000,
  chains: [],
  ...(traceId ? { traceId } : {}),
});

describe('RequestRing', () => {
  it('keeps the newest `capacity` requests, newest first, and forgets the index of those it drops', () => {
    const ring = new RequestRing(3);
    for (const uid of ['a1', 'a2', 'a3', 'a4']) ring.add(request(uid, 10));
    expect(ring.length).toBe(3);
    expect(ring.newest().map((r) => r.uid)).toEqual(['a4', 'a3', 'a2']);
    expect(ring.search('a1')).toEqual([]);
    expect(ring.search('a2').map((r) => r.uid)).toEqual(['a2']);
  });

  it('lists the slowest and the ones not complete', () => {
    const ring = new RequestRing(10);
    ring.add(request('fast', 5));
    ring.add(request('slow', 900, 'partial'));
    ring.add(request('mid', 50, 'error'));
    const lists = ring.lists(2);
    expect(lists.recent.map((r) => r.uid)).toEqual(['mid', 'slow']);
    expect(lists.slowest.map((r) => r.uid)).toEqual(['slow', 'mid']);
    expect(lists.partial.map((r) => r.uid)).toEqual(['mid', 'slow']);
  });

  it('finds by uid or trace id, exactly or by a prefix of 4 characters or more', () => {
    const ring = new RequestRing(10);
    ring.add(request('order-1234', 5, 'complete', 'abcdef0123'));
    ring.add(request('order-5678', 5));
    expect(ring.search('abcdef0123').map((r) => r.uid)).toEqual(['order-1234']);
    expect(ring.search('order-').map((r) => r.uid)).toEqual(['order-5678', 'order-1234']);
    expect(ring.search('ord')).toEqual([]);
    expect(ring.search('  ')).toEqual([]);
  });

  it('keeps the newer entry findable when a uid is answered twice', () => {
    const ring = new RequestRing(2);
    ring.add(request('dup', 1));
    ring.add(request('dup', 2));
    ring.add(request('other', 3)); // drops the first 'dup'
    expect(ring.search('dup').map((r) => r.elapsedMs)).toEqual([2]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new RequestRing(0)).toThrow(RangeError);
  });
});

describe('TrafficWindow', () => {
  it('closes one second per tick with counts by outcome and latency percentiles, per series', () => {
    const window = new TrafficWindow(300);
    for (let i = 1; i <= 100; i++) window.count('gateway', 'complete', i);
    window.count('gateway', 'error');
    window.count('chain1', 'timeout');
    window.countShed();
    window.countDeadLetters(2);
    const tick = window.tick(10_500, { inFlight: 7, limit: 128 });
    expect(tick.series['gateway']).toEqual({ t: 10, counts: { complete: 100, error: 1 }, p50Ms: 50, p99Ms: 99 });
    expect(tick.series['chain1']).toEqual({ t: 10, counts: { timeout: 1 }, p50Ms: null, p99Ms: null });
    expect(tick.load).toEqual({ t: 10, inFlight: 7, limit: 128, shed: 1, deadLettered: 2 });
    // An idle second: every known series gets an empty entry, and the counters start again.
    const idle = window.tick(11_500, { inFlight: 0, limit: 128 });
    expect(idle.series['chain1']).toEqual({ t: 11, counts: {}, p50Ms: null, p99Ms: null });
    expect(idle.load.shed).toBe(0);
  });

  it('holds at most windowS seconds', () => {
    const window = new TrafficWindow(3);
    for (let t = 0; t < 5; t++) {
      window.count('gateway', 'complete', 1);
      window.tick(t * 1000, { inFlight: 0, limit: 1 });
    }
    const snapshot = window.snapshot();
    expect(snapshot.series['gateway']?.map((s) => s.t)).toEqual([2, 3, 4]);
    expect(snapshot.load.map((s) => s.t)).toEqual([2, 3, 4]);
  });

  it('samples latencies beyond its sample size uniformly', () => {
    const window = new TrafficWindow(10, () => 0.999_999);
    // With a random near 1, later latencies never replace sampled ones: the first 1024 stay.
    for (let i = 0; i < 5000; i++) window.count('gateway', 'complete', i < 1024 ? 10 : 1000);
    expect(window.tick(0, { inFlight: 0, limit: 1 }).series['gateway']?.p99Ms).toBe(10);
  });
});

describe('RequestRecorder', () => {
  const aggregate = (results: Aggregate['results'], status: Aggregate['status'] = 'partial'): Aggregate => ({
    uid: 'u-1',
    status,
    results,
    missing: Object.keys(results).filter((s) => results[s]?.status !== 'ok' && results[s]?.status !== 'error'),
    elapsedMs: 2000,
  });

  it('records each chain with its send, its reply, its instance and why it is missing', () => {
    const ring = new RequestRing(10);
    const traffic = new TrafficWindow();
    const seen: ConsoleRequest[] = [];
    const recorder = new RequestRecorder(ring, traffic, (r) => seen.push(r));
    recorder.noteReply('u-1', 'chain1', 'chain1-a');
    recorder.noteReply('u-1', 'chain2', undefined);
    const done: FinishedRequest = {
      uid: 'u-1',
      source: 'kafka',
      traceId: 't-1',
      startedAt: 5000,
      deadline: 7000,
      answer: aggregate({
        chain1: { status: 'ok', result: 1, latencyMs: 40 },
        chain2: { status: 'error', error: { code: 'OUT_OF_STOCK', message: '<b>none</b>' }, latencyMs: 55 },
        chain3: { status: 'timeout' },
        chain4: { status: 'timeout' },
      }),
      broadcast: {
        services: ['chain1', 'chain2', 'chain3', 'chain4'],
        sentMs: [3, 4, 5, undefined],
        failed: [false, false, false, true],
        settledMs: 6,
      },
    };
    const recorded = recorder.record(done);
    expect(recorded).toEqual({
      uid: 'u-1',
      traceId: 't-1',
      via: 'kafka',
      status: 'partial',
      startedAt: 5000,
      elapsedMs: 2000,
      deadlineMs: 2000,
      broadcastMs: 6,
      chains: [
        { service: 'chain1', status: 'ok', sentMs: 3, repliedMs: 40, instance: 'chain1-a' },
        { service: 'chain2', status: 'error', sentMs: 4, repliedMs: 55, errorCode: 'OUT_OF_STOCK', errorMessage: '<b>none</b>' },
        { service: 'chain3', status: 'timeout', sentMs: 5 },
        { service: 'chain4', status: 'unsent' },
      ],
    });
    expect(seen).toEqual([recorded]);
    expect(ring.search('t-1')).toEqual([recorded]);
    const tick = traffic.tick(0, { inFlight: 0, limit: 1 });
    expect(tick.series['gateway']?.counts).toEqual({ partial: 1 });
    expect(tick.series['chain3']?.counts).toEqual({ timeout: 1 });
    expect(tick.series['chain4']?.counts).toEqual({ unsent: 1 });
    expect(tick.series['chain1']?.p50Ms).toBe(40);
  });

  it('records a gateway error with its code and the time it took', () => {
    const ring = new RequestRing(10);
    const recorder = new RequestRecorder(ring, new TrafficWindow());
    const recorded = recorder.record(
      {
        uid: 'u-2',
        source: 'http',
        traceId: undefined,
        startedAt: 1000,
        answer: { uid: 'u-2', status: 'error', error: { code: 'NO_SERVICES', message: 'no chain service is registered' } },
      },
      1003,
    );
    expect(recorded).toMatchObject({ status: 'error', errorCode: 'NO_SERVICES', elapsedMs: 3, deadlineMs: 3, chains: [] });
    expect(recorded.traceId).toBeUndefined();
  });
});

describe('buildTopology', () => {
  it('groups instances by service with draining, lease time left and partitions (chains from their record, ops from the claims)', () => {
    const topology = buildTopology(
      [
        { record: { name: 'chain1', kind: 'chain', topic: 'chain1.req', instanceId: 'b', partitions: [2, 'x', 1] }, leaseTtlS: 8 },
        { record: { name: 'chain1', kind: 'chain', topic: 'chain1.req', instanceId: 'a', draining: true, host: 'h1' }, leaseTtlS: null },
        { record: { name: 'ops', kind: 'gateway', topic: 'ops.req', instanceId: 'ops-1' }, leaseTtlS: 9 },
      ],
      [
        { partition: 0, owner: 'ops-1' },
        { partition: 1, owner: 'ops-gone' },
      ],
      42,
    );
    expect(topology).toEqual({
      at: 42,
      services: [
        {
          name: 'chain1',
          kind: 'chain',
          topic: 'chain1.req',
          instances: [
            { instanceId: 'a', draining: true, leaseTtlS: null, partitions: [], host: 'h1' },
            { instanceId: 'b', draining: false, leaseTtlS: 8, partitions: [2, 1] },
          ],
        },
        {
          name: 'ops',
          kind: 'gateway',
          topic: 'ops.req',
          instances: [{ instanceId: 'ops-1', draining: false, leaseTtlS: 9, partitions: [0] }],
        },
      ],
    });
  });
});

describe('dead letters', () => {
  const message = (value: Buffer | null, headers: Record<string, string>): InboundMessage => ({
    topic: 'ops.dlq',
    partition: 0,
    offset: '7',
    key: Buffer.from('k<1>'),
    value,
    headers,
    timestamp: 1234,
  });

  it('shows the dlq-* headers and the first bytes of the value as text, whatever they hold', () => {
    const value = Buffer.from(`<script>alert(1)</script>${'x'.repeat(1000)}`);
    const entry = toConsoleDeadLetter(
      message(value, {
        'dlq-reason': 'MSG_ENVELOPE_INVALID: "uid" is missing',
        'dlq-service': 'chain2',
        'dlq-source-topic': 'chain2.req',
        'dlq-source-partition': '1',
        'dlq-source-offset': '99',
      }),
    );
    expect(entry).toEqual({
      at: 1234,
      reason: 'MSG_ENVELOPE_INVALID: "uid" is missing',
      service: 'chain2',
      sourceTopic: 'chain2.req',
      sourcePartition: 1,
      sourceOffset: '99',
      key: 'k<1>',
      valueHead: value.subarray(0, VALUE_HEAD_BYTES).toString('utf8'),
      valueBytes: value.length,
    });
    expect(entry.valueHead.startsWith('<script>alert(1)</script>')).toBe(true);
  });

  it('says what is missing of a record without the headers, and keeps the newest first, at most its capacity', () => {
    const entry = toConsoleDeadLetter(message(null, {}));
    expect(entry).toMatchObject({ reason: '(no dlq-reason header)', sourcePartition: -1, valueHead: '', valueBytes: 0 });
    const tail = new DeadLetterTail(2);
    for (const at of [1, 2, 3]) tail.add({ ...entry, at });
    expect(tail.latest().map((e) => e.at)).toEqual([3, 2]);
  });
});

describe('requestsToSend', () => {
  it('sends every request of a flush up to the cap, and beyond it the ones not complete, the slowest and the newest, in answer order', () => {
    const batch = Array.from({ length: 30 }, (_, i) =>
      request(`r${i}`, i === 3 ? 5000 : 10 + i, i === 7 || i === 8 ? 'partial' : 'complete'),
    );
    expect(requestsToSend(batch.slice(0, 5), 5)).toEqual(batch.slice(0, 5));
    const sent = requestsToSend(batch, 6).map((r) => r.uid);
    // r7 and r8 (partial), then the slowest (r3, r29, r28 …) up to 6.
    expect(sent).toEqual(['r3', 'r7', 'r8', 'r27', 'r28', 'r29']);
  });
});
