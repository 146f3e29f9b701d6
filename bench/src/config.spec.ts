import { ConfigError, DEFAULTS, localOnly, parseConfig, parseFlags, QUICK } from './config';

describe('parseConfig', () => {
  it('has the documented defaults', () => {
    const c = parseConfig([], {});
    expect(c.rates).toEqual([250, 500, 1000, 2000, 3000]);
    expect(c.floorRates).toEqual(c.rates);
    expect(c.floorClients).toEqual(['kafkajs', 'platformatic']);
    expect(c).toMatchObject({
      quick: false,
      warmupS: 3,
      settleS: 15,
      durationS: 10,
      closedDurationS: 10,
      concurrency: DEFAULTS.concurrency,
      phases: ['http', 'kafka', 'crowd', 'floor'],
    });
    expect(c.kafkaBrokers).toBe('127.0.0.1:9092');
    expect(c.isolatedTopics).toBe(true);
    expect(parseConfig(['--shared-topics'], {}).isolatedTopics).toBe(false);
    expect(parseConfig([], { BENCH_SHARED_TOPICS: '1' }).isolatedTopics).toBe(false);
  });

  it('--console-watchers / BENCH_CONSOLE_WATCHERS: readers of the console feed, none by default', () => {
    expect(parseConfig([], {}).consoleWatchers).toBe(0);
    expect(parseConfig(['--console-watchers=1'], {}).consoleWatchers).toBe(1);
    expect(parseConfig([], { BENCH_CONSOLE_WATCHERS: '3' }).consoleWatchers).toBe(3);
    expect(() => parseConfig(['--console-watchers=0'], {})).toThrow(/--console-watchers/);
  });

  it('--quick: two short steps', () => {
    const c = parseConfig(['--quick'], {});
    expect(c.rates).toEqual([...QUICK.rates]);
    expect(c.durationS).toBe(QUICK.durationS);
    expect(c.settleS).toBe(QUICK.settleS);
    expect(c.quick).toBe(true);
    expect(parseConfig(['--settle=0'], { BENCH_SETTLE: '30' }).settleS).toBe(0);
    expect(parseConfig([], { BENCH_SETTLE: '30' }).settleS).toBe(30);
  });

  it('flags beat variables, both forms of flags work', () => {
    const c = parseConfig(['--rates', '100,200', '--duration=2', '--phases=floor,http'], {
      BENCH_RATES: '7',
      BENCH_WARMUP: '0',
      BENCH_FLOOR_RATES: '50',
    });
    expect(c.rates).toEqual([100, 200]);
    expect(c.floorRates).toEqual([50]);
    expect(c.durationS).toBe(2);
    expect(c.warmupS).toBe(0);
    expect(c.phases).toEqual(['http', 'floor']);
  });

  it('--floor-client / BENCH_FLOOR_CLIENTS picks the clients of the floor, kafkajs first', () => {
    expect(parseConfig(['--floor-client=platformatic'], {}).floorClients).toEqual(['platformatic']);
    expect(parseConfig(['--floor-client', 'platformatic,kafkajs'], {}).floorClients).toEqual(['kafkajs', 'platformatic']);
    expect(parseConfig([], { BENCH_FLOOR_CLIENTS: 'kafkajs' }).floorClients).toEqual(['kafkajs']);
    expect(parseConfig(['--floor-client=platformatic'], { BENCH_FLOOR_CLIENTS: 'kafkajs' }).floorClients).toEqual(['platformatic']);
    expect(() => parseConfig(['--floor-client=rdkafka'], {})).toThrow(/unknown floor client "rdkafka"/);
  });

  it('--gateway-client / BENCH_GATEWAY_CLIENTS picks the KAFKA_CLIENT of the services, kafkajs first; both by default', () => {
    expect(parseConfig([], {}).gatewayClients).toEqual(['kafkajs', 'platformatic']);
    expect(parseConfig(['--gateway-client=platformatic'], {}).gatewayClients).toEqual(['platformatic']);
    expect(parseConfig([], { BENCH_GATEWAY_CLIENTS: 'platformatic,kafkajs' }).gatewayClients).toEqual(['kafkajs', 'platformatic']);
    expect(() => parseConfig(['--gateway-client=kafka-node'], {})).toThrow(/unknown gateway client "kafka-node"/);
  });

  it('crowd: a keep-alive agent without limit by default, 64 connections in the closed loop, 0.5/1/1.5/3 × C, 15 s steps (--quick: 4 s)', () => {
    expect(parseConfig([], {})).toMatchObject({
      crowdConnections: 'as-needed',
      crowdConcurrency: 64,
      crowdMultiples: [0.5, 1, 1.5, 3],
      crowdDurationS: 15,
    });
    expect(parseConfig(['--quick'], {}).crowdDurationS).toBe(QUICK.crowdDurationS);
    expect(parseConfig(['--quick', '--crowd-duration=6'], {}).crowdDurationS).toBe(6);
    expect(parseConfig(['--phases=crowd'], {}).phases).toEqual(['crowd']);
  });

  it('crowd flags beat their variables; multiples are sorted and deduplicated', () => {
    const c = parseConfig(['--crowd-connections=per-request', '--crowd-multiples', '3,0.5,1.5,3', '--crowd-concurrency=32'], {
      BENCH_CROWD_CONNECTIONS: 'as-needed',
      BENCH_CROWD_DURATION: '8',
      BENCH_CROWD_MULTIPLES: '1',
    });
    expect(c).toMatchObject({ crowdConnections: 'per-request', crowdMultiples: [0.5, 1.5, 3], crowdConcurrency: 32, crowdDurationS: 8 });
    expect(parseConfig([], { BENCH_CROWD_CONNECTIONS: 'per-request' }).crowdConnections).toBe('per-request');
  });

  it('refuses bad crowd options, naming them', () => {
    expect(() => parseConfig(['--crowd-connections=pooled'], {})).toThrow(/--crowd-connections must be as-needed or per-request/);
    expect(() => parseConfig(['--crowd-multiples=0'], {})).toThrow(/--crowd-multiples/);
    expect(() => parseConfig(['--crowd-multiples=1,,2'], {})).toThrow(/--crowd-multiples/);
    expect(() => parseConfig(['--crowd-concurrency=0'], {})).toThrow(/--crowd-concurrency/);
    expect(() => parseConfig(['--crowd-duration=0.5'], {})).toThrow(/--crowd-duration/);
  });

  it('refuses what it does not understand, naming it', () => {
    expect(() => parseConfig(['--rate=5'], {})).toThrow(/unknown option --rate/);
    expect(() => parseConfig(['--rates=0'], {})).toThrow(ConfigError);
    expect(() => parseConfig(['--rates=1.5'], {})).toThrow(/integer/);
    expect(() => parseConfig(['--duration=9999'], {})).toThrow(/--duration/);
    expect(() => parseConfig(['--phases=http,gpu'], {})).toThrow(/gpu/);
    expect(() => parseFlags(['--rates'])).toThrow(/needs a value/);
    expect(() => parseFlags(['--bogus', '1'])).toThrow(/unknown option --bogus/);
    expect(() => parseFlags(['fast'])).toThrow(/unexpected argument/);
  });

  it('only ever targets this machine', () => {
    expect(localOnly('127.0.0.1:9092,localhost:9093', 'KAFKA_BROKERS')).toBe('127.0.0.1:9092,localhost:9093');
    expect(localOnly('http://127.0.0.1:2379', 'ETCD_ENDPOINTS')).toBe('http://127.0.0.1:2379');
    expect(() => parseConfig([], { KAFKA_BROKERS: 'kafka.example.com:9092' })).toThrow(/only targets this machine/);
    expect(() => parseConfig([], { ETCD_ENDPOINTS: 'http://10.0.0.2:2379' })).toThrow(ConfigError);
  });
});
