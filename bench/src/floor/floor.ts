import { mkdirSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { KafkaClientName } from '../config';
import { createTopics, deleteTopics } from '../kafka/bare-kafka';
import { probeUntilOk } from '../load/probe';
import { ChildService } from '../procs/child';
import type { ProcessSampler } from '../procs/sampler';
import type { SeriesName, SeriesResult } from '../report/types';
import { runSeries, type SeriesPlan } from '../series-runner';
import { FloorTarget } from '../targets/floor-target';
import { KafkajsLoadClient } from '../kafka/kafkajs-load';
import type { KafkaLoadClient } from '../kafka/load-client';
import { PlatformaticLoadClient } from '../kafka/platformatic-load';

export interface FloorOptions {
  kafka: Kafka;
  kafkaBrokers: string;
  /** This benchmark's own bundle, run again as `echo` processes. */
  bundle: string;
  logDir: string;
  sampler: ProcessSampler;
  plan: Omit<SeriesPlan, 'name'>;
  log: (line: string) => void;
  /** The clients to measure the floor with, one after the other (default: kafkajs only). */
  clients?: KafkaClientName[];
}

/** What differs between the floor on one client and on the other; the rest (shapes, rates, bookkeeping) is shared. */
interface FloorClientPlan {
  oneHop: SeriesName;
  fanout: SeriesName;
  /** `main.cjs <command> <topic> <group>` runs an echo process on this client. */
  echoCommand: string;
  /** Name of the i-th echo process (1-based) in the sampler and the logs. */
  echoName: (i: number) => string;
  /** Topic prefix of the run: fresh topics per client, so no echo group replays the other's traffic. */
  base: (runId: string) => string;
  loadClient: (options: FloorOptions, replyTopic: string, groupId: string) => KafkaLoadClient;
}

export const FLOOR_CLIENTS: Record<KafkaClientName, FloorClientPlan> = {
  kafkajs: {
    oneHop: 'floor-1hop',
    fanout: 'floor-fanout',
    echoCommand: 'echo',
    echoName: (i) => `echo${i}`,
    base: (runId) => `bench.floor.${runId}`,
    loadClient: (o, replyTopic, groupId) => new KafkajsLoadClient(o.kafka, replyTopic, groupId),
  },
  platformatic: {
    oneHop: 'floor-1hop-pk',
    fanout: 'floor-fanout-pk',
    echoCommand: 'echo-platformatic',
    echoName: (i) => `pk-echo${i}`,
    base: (runId) => `bench.floor-pk.${runId}`,
    loadClient: (o, replyTopic, groupId) =>
      new PlatformaticLoadClient(o.kafkaBrokers.split(','), `bench-pk-${o.plan.runId}`, replyTopic, groupId),
  },
};

/**
 * The floor: what a Kafka client and this broker allow without the gateway, per client. Three echo
 * processes (one per request topic, as the three chains), fresh topics `bench.floor.<run>.*`
 * (`bench.floor-pk.<run>.*` on @platformatic/kafka) deleted at the end; one hop (topic 1 only)
 * then the three-way fan-out (all three, three echoes per id).
 */
export async function runFloor(options: FloorOptions): Promise<{ series: SeriesResult[]; warnings: string[] }> {
  const series: SeriesResult[] = [];
  const warnings: string[] = [];
  for (const client of options.clients ?? ['kafkajs']) {
    options.log(`floor on ${client}`);
    const out = await runFloorOn(FLOOR_CLIENTS[client], options);
    series.push(...out.series);
    warnings.push(...out.warnings);
  }
  return { series, warnings };
}

async function runFloorOn(client: FloorClientPlan, options: FloorOptions): Promise<{ series: SeriesResult[]; warnings: string[] }> {
  const base = client.base(options.plan.runId);
  const requestTopics = [1, 2, 3].map((i) => `${base}.req${i}`);
  const hopReplies = `${base}.hop-replies`;
  const fanReplies = `${base}.fan-replies`;
  const topics = [...requestTopics, hopReplies, fanReplies];
  const echoes: ChildService[] = [];
  const series: SeriesResult[] = [];
  const warnings: string[] = [];

  try {
    mkdirSync(options.logDir, { recursive: true }); // --phases=floor: no service made it yet
    await createTopics(options.kafka, topics);
    requestTopics.forEach((topic, i) => {
      echoes.push(
        ChildService.spawn(
          client.echoName(i + 1),
          options.bundle,
          [client.echoCommand, topic, `${base}.echo${i + 1}`],
          { KAFKA_BROKERS: options.kafkaBrokers },
          options.logDir,
        ),
      );
    });
    await Promise.all(echoes.map((e) => e.waitForLog('echo ready', 60_000)));
    for (const e of echoes) options.sampler.add(e.name, e.pid);

    const shapes: Array<[SeriesName, string[], string]> = [
      [client.oneHop, requestTopics.slice(0, 1), hopReplies],
      [client.fanout, requestTopics, fanReplies],
    ];
    for (const [name, requestTo, replyTo] of shapes) {
      const target = new FloorTarget(name, client.loadClient(options, replyTo, `${base}.${name}.replies`), requestTo, replyTo);
      try {
        await target.start();
        const probe = await probeUntilOk(target, `bench-${options.plan.runId}-${name}`, 60_000);
        if (!probe.ok) throw new Error(`${name}: no echo within 60 s`);
        series.push(await runSeries(target, { ...options.plan, name }, options.sampler, options.log));
      } catch (error) {
        warnings.push(`${name} failed: ${(error as Error).message}`);
      } finally {
        await target.stop();
      }
    }
  } finally {
    for (const e of echoes) options.sampler.remove(e.name);
    await Promise.all(echoes.map((e) => e.stop()));
    const problem = await deleteTopics(options.kafka, topics);
    if (problem) warnings.push(problem);
  }
  return { series, warnings };
}
