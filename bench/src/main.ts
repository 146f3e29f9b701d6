import { randomBytes } from 'node:crypto';
import { arch, cpus, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, parseConfig, USAGE, wantsHelp, type BenchConfig } from './config';
import { runEcho } from './floor/echo';
import { runPlatformaticEcho } from './floor/platformatic-echo';
import { runFloor } from './floor/floor';
import { bareKafka, createTopics, deleteGroupsOf, deleteTopics, topicsWithPrefix } from './kafka/bare-kafka';
import { probeUntilOk } from './load/probe';
import type { Target } from './load/target';
import { ProcessSampler } from './procs/sampler';
import { clientRatios, floorRatios } from './report/ratios';
import { renderReport } from './report/table';
import { SERIES_LABELS, type BenchResult, type SeriesName, type SeriesResult } from './report/types';
import { chartTitle, readResult, stamp, writeResults } from './report/write';
import { renderChart } from './report/svg';
import { writeFileSync } from 'node:fs';
import { runSeries, type SeriesPlan } from './series-runner';
import { openConsoleWatchers } from './system/console-watchers';
import { Services } from './system/services';
import { detectInterference } from './system/interference';
import { Stack } from './system/stack';
import { HttpTarget } from './targets/http-target';
import { KafkaOpsTarget } from './targets/kafka-ops-target';
import { KafkajsLoadClient } from './kafka/kafkajs-load';
import { PlatformaticLoadClient } from './kafka/platformatic-load';
import { crowdPlan, crowdResult, runCrowdPeer, runCrowdProject, type CrowdRunContext } from './crowd/crowd-run';
import type { CrowdResult } from './report/types';

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** Things to undo at the end (or on Ctrl-C), last registered first; each runs once. */
class Cleanup {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];
  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }
  async runAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (error) {
        log(`cleanup: ${step.what} failed: ${(error as Error).message}`);
      }
    }
  }
}

async function runGatewaySeries(
  name: SeriesName,
  target: Target,
  plan: Omit<SeriesPlan, 'name'>,
  sampler: ProcessSampler,
  probeMs: number,
): Promise<SeriesResult> {
  log(`${name}: probing until a request is answered complete`);
  const probe = await probeUntilOk(target, `bench-${plan.runId}-${name}`, probeMs);
  if (!probe.ok) throw new Error(`${name}: no complete answer within ${probeMs / 1000} s (last: ${JSON.stringify(probe.last ?? 'none')})`);
  return runSeries(target, { ...plan, name }, sampler, log);
}

function failedSeries(name: SeriesName, error: unknown): SeriesResult {
  const failure = (error as Error).message;
  log(`${name} FAILED: ${failure}`);
  return { name, label: SERIES_LABELS[name], open: [], closed: null, failure };
}

async function bench(config: BenchConfig): Promise<number> {
  const repo = resolve(__dirname, '../..');
  const startedAt = new Date();
  const name = stamp(startedAt);
  const runId = randomBytes(4).toString('hex');
  const resultsDir = join(repo, 'bench/results');
  const logDir = join(resultsDir, 'logs', name);
  const sampler = new ProcessSampler();
  const stack = new Stack(repo);
  const kafka = bareKafka(config.kafkaBrokers.split(','), `bench-${runId}`);
  const outer = new Cleanup(); // the stack and the sampler: undone at the very end
  const inner = new Cleanup(); // services and their reply topic: undone before the floor
  const series: SeriesResult[] = [];
  const warnings: string[] = [];
  let crowd: CrowdResult | undefined;
  let aborted = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping what this run started`);
    void inner
      .runAll()
      .then(() => outer.runAll())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const plan: Omit<SeriesPlan, 'name'> = {
    rates: config.rates,
    warmupS: config.warmupS,
    settleS: config.settleS,
    durationS: config.durationS,
    closedWarmupS: config.closedWarmupS,
    closedDurationS: config.closedDurationS,
    concurrency: config.concurrency,
    drainS: config.drainS,
    runId,
  };

  try {
    outer.add('stack', () => stack.restore());
    await stack.ensure();
    sampler.add('kafka', stack.pid('kafka'), () => stack.pid('kafka'));
    sampler.add('etcd', stack.pid('etcd'), () => stack.pid('etcd'));
    sampler.add('generator', process.pid);
    sampler.start();
    outer.add('sampler', async () => sampler.stop());
    outer.add('consumer groups', async () => {
      const problem = await deleteGroupsOf(kafka, runId);
      if (problem) warnings.push(problem);
    });

    const gatewayPhases = config.phases.some((p) => p === 'http' || p === 'kafka' || p === 'crowd');
    // The crowd series runs once, on the services of the last client (platformatic, the default, when measured).
    const crowdClient = config.phases.includes('crowd') ? config.gatewayClients[config.gatewayClients.length - 1] : undefined;
    const crowdContext: CrowdRunContext = {
      repo,
      logDir,
      runId,
      kafkaBrokers: config.kafkaBrokers,
      kafka,
      sampler,
      log,
      warnings,
      cleanup: (what, run) => inner.add(what, run),
    };
    for (const client of gatewayPhases ? config.gatewayClients : []) {
      // One set of services per client, with topics, groups and an etcd prefix of their own.
      const tag = client === 'platformatic' ? 'pk' : 'kjs';
      const sub = `${runId}-${tag}`;
      const names =
        client === 'platformatic' ? ({ http: 'http-pk', kafka: 'kafka-pk' } as const) : ({ http: 'http', kafka: 'kafka' } as const);
      // With a topic prefix of its own the run shares no topic or consumer group with other systems.
      const topicPrefix = config.isolatedTopics ? `bench.${sub}.` : '';
      const replyTopic = config.isolatedTopics ? `${topicPrefix}replies` : `bench.replies.${sub}`;
      // Undone last first: the services stop before their topics are deleted.
      inner.add('topics', async () => {
        const topics = new Set<string>(config.phases.includes('kafka') ? [replyTopic] : []);
        if (topicPrefix) for (const t of await topicsWithPrefix(kafka, topicPrefix)) topics.add(t);
        const problem = await deleteTopics(kafka, [...topics]);
        if (problem) warnings.push(problem);
      });
      const services = new Services({
        repo,
        logDir: join(logDir, tag),
        runId: sub,
        kafkaBrokers: config.kafkaBrokers,
        etcdEndpoints: config.etcdEndpoints,
        topicPrefix,
        kafkaClient: client,
      });
      inner.add('services', async () => {
        for (const n of services.processes.keys()) sampler.remove(n, `${n} (${tag})`);
        const codes = await services.stop();
        const bad = Object.entries(codes).filter(([, code]) => code !== 0);
        if (bad.length > 0) warnings.push(`services exited non-zero: ${bad.map(([n, c]) => `${n}=${String(c)}`).join(', ')}`);
      });
      log(`starting chain1..3 and ops from dist/apps/*/main.cjs with KAFKA_CLIENT=${client} (logs: ${join(logDir, tag)})`);
      await services.start();
      for (const [n, child] of services.processes) sampler.add(n, child.pid);
      log(`ops ready on ${services.opsUrl}, etcd prefix ${services.env['DISCOVERY_PREFIX']}, topic prefix "${topicPrefix}"`);
      if (config.consoleWatchers > 0) {
        const watchers = await openConsoleWatchers(services.opsUrl, config.consoleWatchers);
        log(`${config.consoleWatchers} console feed reader(s) open on ${services.opsUrl}/console/events`);
        inner.add('console watchers', async () => {
          watchers.close();
          const { events, bytes } = watchers.received();
          log(`console feed reader(s): ${events} events, ${(bytes / 1024).toFixed(0)} KiB received`);
        });
      }
      if (!config.isolatedTopics) warnings.push(...(await detectInterference(kafka, services.env['OPS_GROUP_ID'] ?? '')));

      if (config.phases.includes('http')) {
        const target = new HttpTarget({ port: services.port, maxSockets: config.httpSockets, timeoutMs: 15_000 });
        try {
          series.push(await runGatewaySeries(names.http, target, plan, sampler, 60_000));
        } catch (error) {
          series.push(failedSeries(names.http, error));
        } finally {
          target.close();
        }
      }
      if (config.phases.includes('kafka')) {
        // The load side on the services' own client: kafka-pk is @platformatic/kafka end to end.
        const groupId = `bench.${sub}.replies`;
        const loadClient =
          client === 'platformatic'
            ? new PlatformaticLoadClient(config.kafkaBrokers.split(','), `bench-load-${sub}`, replyTopic, groupId)
            : new KafkajsLoadClient(kafka, replyTopic, groupId);
        const target = new KafkaOpsTarget(loadClient, `${topicPrefix}ops.req`, replyTopic);
        try {
          await createTopics(kafka, [replyTopic]);
          await target.start();
          series.push(await runGatewaySeries(names.kafka, target, plan, sampler, 90_000));
        } catch (error) {
          series.push(failedSeries(names.kafka, error));
        } finally {
          await target.stop();
        }
      }
      const crowdProject =
        client === crowdClient ? await runCrowdProject(services.port, crowdPlan(config, runId), crowdContext) : undefined;
      if (!config.isolatedTopics) {
        for (const w of await detectInterference(kafka, services.env['OPS_GROUP_ID'] ?? '')) if (!warnings.includes(w)) warnings.push(w);
      }
      // Stop the services now (so the next client, the peer and the floor run on a quiet machine).
      await inner.runAll();
      if (crowdProject) {
        const peer = await runCrowdPeer(crowdProject.capacityRps, crowdPlan(config, runId), crowdContext);
        await inner.runAll();
        crowd = crowdResult(config, crowdProject, peer);
      }
    }

    if (config.phases.includes('floor')) {
      log(`floor: raw round trips (one hop, then three-way fan-out) on ${config.floorClients.join(', then ')}`);
      const floor = await runFloor({
        kafka,
        kafkaBrokers: config.kafkaBrokers,
        bundle: resolve(process.argv[1] ?? __filename),
        logDir,
        sampler,
        plan: { ...plan, rates: config.floorRates },
        log,
        clients: config.floorClients,
      });
      series.push(...floor.series);
      warnings.push(...floor.warnings);
    }
  } catch (error) {
    aborted = true;
    warnings.push(`run aborted: ${(error as Error).message}`);
    log(`ABORTED: ${(error as Error).message}`);
  }

  await inner.runAll();
  const processes = sampler.lifetime();
  await outer.runAll();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);

  const result: BenchResult = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    host: { cpus: cpus().length, node: process.version, platform: `${platform()}-${arch()}`, kernel: release() },
    config,
    runId,
    series,
    ratios: floorRatios(series),
    clientRatios: clientRatios(series),
    processes,
    warnings,
    ...(crowd ? { crowd } : {}),
  };
  process.stdout.write(`\n${renderReport(result)}\n\n`);
  const files = writeResults(resultsDir, name, result);
  process.stdout.write(`results: ${files.json}\nchart:   ${files.svg}\n(also bench/results/latest.json and latest.svg)\n`);
  const crowdFailed = crowd?.systems.some((s) => s.failure !== undefined) ?? false;
  return aborted || crowdFailed || series.some((s) => s.failure !== undefined) ? 1 : 0;
}

async function main(argv: string[]): Promise<number | undefined> {
  if (argv[0] === 'echo') {
    const [, topic, group] = argv;
    if (!topic || !group) throw new Error('usage: main.cjs echo <topic> <group>');
    await runEcho((process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), topic, group);
    return undefined; // keeps running until SIGTERM
  }
  if (argv[0] === 'echo-platformatic') {
    const [, topic, group] = argv;
    if (!topic || !group) throw new Error('usage: main.cjs echo-platformatic <topic> <group>');
    await runPlatformaticEcho((process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), topic, group);
    return undefined; // keeps running until SIGTERM
  }
  if (argv[0] === 'report') {
    const [, file] = argv;
    if (!file) throw new Error('usage: main.cjs report <results.json>');
    const result = readResult(file);
    process.stdout.write(`${renderReport(result)}\n`);
    const svg = file.replace(/\.json$/, '') + '.svg';
    writeFileSync(svg, renderChart(result.series, chartTitle(result)));
    process.stdout.write(`chart: ${svg}\n`);
    return 0;
  }
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: BenchConfig;
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  return bench(config);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
