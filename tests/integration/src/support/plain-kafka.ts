import type { OpsAnswer } from '@gateway/messaging';
import { Kafka, logLevel, Partitioners, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kafkaBrokers, randomSuffix } from './infra';
import { waitFor } from './wait-for';

const exec = promisify(execFile);

/** A bare kafkajs client, none of the project's wrappers: what another team's service would use. */
export const plainKafka = new Kafka({
  brokers: () => kafkaBrokers().split(','),
  clientId: 'integration-tests',
  logLevel: logLevel.NOTHING,
});

/** Produces one message with the bare client. */
export async function produce(
  topic: string,
  message: { key?: string | null; value: string | Buffer | null; headers?: IHeaders; partition?: number; timestamp?: number },
): Promise<void> {
  const producer = plainKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: message.key ?? null,
          value: message.value,
          headers: message.headers ?? {},
          ...(message.partition === undefined ? {} : { partition: message.partition }),
          ...(message.timestamp === undefined ? {} : { timestamp: String(message.timestamp) }),
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}

/** Runs `work` with an admin client of the bare client, connected for it alone. */
export async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = plainKafka.admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic if it is missing. */
export async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  const admin = plainKafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions }] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes every topic whose name starts with `prefix` (a test system's own), so that repeated test
 * runs against a long-lived local broker do not pile up partitions. Best effort: a broker that is
 * down (a fault test's) leaves them, and the test's own outcome is not changed.
 */
export async function deleteTopicsWithPrefix(prefix: string): Promise<void> {
  const admin = plainKafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // Left for the next clean stack: deleting is housekeeping, not part of any test.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Reads `topic` from its beginning with a group of its own until a message matches `predicate`. */
export async function readUntil(topic: string, predicate: (message: KafkaMessage) => boolean, timeoutMs = 15_000): Promise<KafkaMessage> {
  const consumer = plainKafka.consumer({ groupId: `it-reader-${randomSuffix()}`, maxWaitTimeInMs: 100 });
  let found: KafkaMessage | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!found && predicate(message)) found = message;
      },
    });
    return await waitFor(`a matching message on ${topic}`, () => found, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}

/** Headers of a consumed message as strings. */
export function headersOf(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) out[name] = value.toString();
  return out;
}

/** Runs kcat (a plain C Kafka client, installed by scripts/stack.sh) with the test broker. */
export async function kcat(args: string[], input?: string): Promise<string> {
  const child = exec('kcat', ['-b', kafkaBrokers(), ...args], { timeout: 15_000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout;
}

/** What {@link collectTopic} gathered so far, by key, and how to stop it. */
export interface TopicCollector<T> {
  seen: Map<string, T[]>;
  stop(): Promise<void>;
}

/**
 * Reads `topic` (created if missing) from its beginning with a group of its own, keeping every
 * message under `keyOf(message)` (skipped when undefined), parsed by `parse`; resolves once the
 * consumer joined, so nothing produced after that is missed.
 */
export async function collectTopic<T>(
  topic: string,
  keyOf: (m: KafkaMessage) => string | undefined,
  parse: (m: KafkaMessage) => T,
): Promise<TopicCollector<T>> {
  await createTopic(topic, 3).catch(() => undefined); // it may exist already
  const seen = new Map<string, T[]>();
  const consumer = plainKafka.consumer({ groupId: `it-collect-${randomSuffix()}`, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = keyOf(message);
      if (key !== undefined) seen.set(key, [...(seen.get(key) ?? []), parse(message)]);
    },
  });
  await joined;
  return { seen, stop: () => consumer.disconnect() };
}

/** A message whose value is an answer of ops, keyed by its uid. */
export const answerOf = (m: KafkaMessage): OpsAnswer => JSON.parse(String(m.value)) as OpsAnswer;
