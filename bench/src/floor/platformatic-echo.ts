import { Consumer, Producer, stringDeserializer } from '@platformatic/kafka';
import { baseOptions, CONSUME_OPTIONS, producerOptions, reportError, TurnProducer } from '../kafka/platformatic-common';

/**
 * The echo service of the floor on @platformatic/kafka, run as a process of its own
 * (`main.cjs echo-platformatic <topic> <group>`): consumes `topic` through a `consume()` stream and
 * produces every message unchanged (key, value) to the topic of its `reply-to` header —
 * everything that arrived in one event-loop turn (one fetch response) as one `send`.
 */
export async function runPlatformaticEcho(brokers: string[], topic: string, groupId: string): Promise<void> {
  const clientId = `bench-echo-pk-${topic}`;
  const producer = new Producer(producerOptions(brokers, clientId));
  const out = new TurnProducer(producer, (ids, error) => reportError(`echo send of ${ids.length} messages`, error));
  const consumer = new Consumer<Buffer, Buffer, string, string>({
    ...baseOptions(brokers, `${clientId}-in`),
    groupId,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const stream = await consumer.consume({ topics: [topic], ...CONSUME_OPTIONS });
  stream.on('data', (message) => {
    const replyTo = message.headers.get('reply-to');
    if (!replyTo) return;
    out.add('', { topic: replyTo, key: message.key, value: message.value });
  });
  stream.on('error', (error) => reportError(`echo consumer of ${topic}`, error));
  process.stdout.write(`${JSON.stringify({ msg: 'echo ready', topic, groupId, client: 'platformatic' })}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([stream.close(), out.close()])
      .then(() => consumer.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
