import { KAFKAJS_CONSUMER_OPTIONS, KAFKAJS_PRODUCER_OPTIONS, KAFKAJS_SEND_OPTIONS } from '@gateway/messaging/kafka-settings';
import type { Message, TopicMessages } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { bareKafka } from '../kafka/bare-kafka';

/**
 * The echo service of the floor, run as a process of its own (`main.cjs echo <topic> <group>`):
 * consumes `topic` and produces every message unchanged to the topic of its `reply-to` header —
 * a chain service without the work: `eachBatch`, one `sendBatch` per batch, commit after the send.
 */
export async function runEcho(brokers: string[], topic: string, groupId: string): Promise<void> {
  const kafka = bareKafka(brokers, `bench-echo-${topic}`);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    ...KAFKAJS_PRODUCER_OPTIONS,
  });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, ...KAFKAJS_CONSUMER_OPTIONS });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      const byTopic = new Map<string, Message[]>();
      for (const m of batch.messages) {
        const replyTo = m.headers?.['reply-to']?.toString();
        if (!replyTo) continue;
        let list = byTopic.get(replyTo);
        if (!list) byTopic.set(replyTo, (list = []));
        list.push({ key: m.key, value: m.value });
      }
      const topicMessages: TopicMessages[] = [...byTopic].map(([t, messages]) => ({ topic: t, messages }));
      if (topicMessages.length > 0) await producer.sendBatch({ topicMessages, ...KAFKAJS_SEND_OPTIONS });
    },
  });
  await joined;
  process.stdout.write(`${JSON.stringify({ msg: 'echo ready', topic, groupId })}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([consumer.disconnect(), producer.disconnect()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
