import type { Kafka } from 'kafkajs';
import { createTopics, deleteTopics } from '../kafka/bare-kafka';
import { probeUntilOk } from '../load/probe';
import { ChildService } from '../procs/child';
import type { ProcessSampler } from '../procs/sampler';
import type { SeriesResult } from '../report/types';
import { runSeries, type SeriesPlan } from '../series-runner';
import { FloorTarget } from '../targets/floor-target';

export interface FloorOptions {
  kafka: Kafka;
  kafkaBrokers: string;
  /** This benchmark's own bundle, run again as `echo` processes. */
  bundle: string;
  logDir: string;
  sampler: ProcessSampler;
  plan: Omit<SeriesPlan, 'name'>;
  log: (line: string) => void;
}

/**
 * The floor: what kafkajs and this broker allow without the gateway. Three echo processes (one per
 * request topic, as the three chains), fresh topics `bench.floor.<run>.*` deleted at the end;
 * one hop (topic 1 only) then the three-way fan-out (all three, three echoes per id).
 */
export async function runFloor(options: FloorOptions): Promise<{ series: SeriesResult[]; warnings: string[] }> {
  const base = `bench.floor.${options.plan.runId}`;
  const requestTopics = [1, 2, 3].map((i) => `${base}.req${i}`);
  const hopReplies = `${base}.hop-replies`;
  const fanReplies = `${base}.fan-replies`;
  const topics = [...requestTopics, hopReplies, fanReplies];
  const echoes: ChildService[] = [];
  const series: SeriesResult[] = [];
  const warnings: string[] = [];

  try {
    await createTopics(options.kafka, topics);
    requestTopics.forEach((topic, i) => {
      echoes.push(
        ChildService.spawn(
          `echo${i + 1}`,
          options.bundle,
          ['echo', topic, `${base}.echo${i + 1}`],
          { KAFKA_BROKERS: options.kafkaBrokers },
          options.logDir,
        ),
      );
    });
    await Promise.all(echoes.map((e) => e.waitForLog('echo ready', 60_000)));
    for (const e of echoes) options.sampler.add(e.name, e.pid);

    const shapes: Array<[SeriesResult['name'], string[], string]> = [
      ['floor-1hop', requestTopics.slice(0, 1), hopReplies],
      ['floor-fanout', requestTopics, fanReplies],
    ];
    for (const [name, requestTo, replyTo] of shapes) {
      const target = new FloorTarget(name, options.kafka, requestTo, replyTo, `${base}.${name}.replies`);
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
