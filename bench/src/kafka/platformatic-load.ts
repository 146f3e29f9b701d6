import { Consumer, Producer, stringDeserializer, stringSerializers, type MessagesStream } from '@platformatic/kafka';
import type { KafkaLoadClient, LoadHandlers, LoadMessage } from './load-client';
import { baseOptions, CONSUME_OPTIONS, producerOptions, reportError, TurnProducer } from './platformatic-common';

/**
 * The load side on @platformatic/kafka: a `TurnProducer` (one `send` per turn, acks
 * all) and a reply consumer (`consume()` stream, a group of its own, every partition in one fetch).
 */
export class PlatformaticLoadClient implements KafkaLoadClient {
  private readonly producer: Producer<string, string, string, string>;
  private readonly consumer: Consumer<string, Buffer, Buffer, Buffer>;
  private turns: TurnProducer<string, string, string, string> | undefined;
  private stream: MessagesStream<string, Buffer, Buffer, Buffer> | undefined;

  constructor(
    brokers: string[],
    clientId: string,
    private readonly replyTopic: string,
    groupId: string,
  ) {
    this.producer = new Producer({ ...producerOptions(brokers, clientId), serializers: stringSerializers });
    this.consumer = new Consumer({ ...baseOptions(brokers, `${clientId}-replies`), groupId, deserializers: { key: stringDeserializer } });
  }

  async start(handlers: LoadHandlers): Promise<void> {
    this.turns = new TurnProducer(this.producer, handlers.onFailure);
    // consume() resolves once the group is joined: nothing produced afterwards is missed.
    const stream = await this.consumer.consume({ topics: [this.replyTopic], ...CONSUME_OPTIONS });
    stream.on('data', (message) => handlers.onReply(message.key, message.value));
    stream.on('error', (error) => reportError(`reply consumer of ${this.replyTopic}`, error));
    this.stream = stream;
  }

  add(id: string, topic: string, message: LoadMessage): void {
    this.turns?.add(id, { topic, key: message.key, value: message.value, headers: { 'reply-to': message.replyTo } });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.turns?.close() ?? this.producer.close(), this.stream?.close()]);
    await this.consumer.close().catch((error: Error) => reportError('closing the reply consumer', error));
  }
}
