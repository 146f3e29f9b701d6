import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ISocketFactory, Kafka, LogEntry } from 'kafkajs';
import { kafkajs } from './kafkajs.runtime';
import type { Logger } from 'pino';
import { KAFKA_CLIENT_SETTINGS } from './client-settings';
import { KAFKAJS_CLIENT_OPTIONS } from './kafkajs.options';
import { kafkajsSecurityOptions } from './kafka-security.options';
import type { KafkaSecurity } from '../security/kafka-security';
import { quietKafkajsTimerWarning } from './kafkajs-warnings';

/** Options of {@link createKafka}. */
export interface KafkaClientOptions {
  brokers: string[];
  /** TLS and SASL; default PLAINTEXT. */
  security?: KafkaSecurity;
  clientId: string;
  logger: Logger;
}

/** kafkajs' log levels (its `logLevel` enum: NOTHING 0, ERROR 1, WARN 2, INFO 4, DEBUG 5) in pino's names. */
const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { 1: 'error', 2: 'warn', 4: 'info', 5: 'debug' };

/**
 * A kafkajs client whose own logs go to pino as JSON lines under `component: kafkajs`. Timeouts and
 * retries are the shared ones (client-settings.ts): a send during a broker outage fails within about
 * two seconds instead of hanging.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  quietKafkajsTimerWarning();
  const log = options.logger.child({ component: 'kafkajs' });
  const { Kafka, logLevel } = kafkajs();
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...KAFKAJS_CLIENT_OPTIONS,
    ...kafkajsSecurityOptions(options.security),
    socketFactory: noDelaySocketFactory,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        log[levelOf(namespace, level, message)]({ namespace, ...extra }, message);
      },
  });
}

/**
 * The pino level of a kafkajs log entry. kafkajs logs every error answer of the broker at ERROR
 * under `Connection` ("Response Metadata(…)") before handing the error to its caller, which retries
 * it or reports it with its own context: a broker that is still electing leaders, or two services
 * creating the same topic, would print errors for what is expected. Those go to debug.
 */
export function levelOf(namespace: string, level: number, message: string): 'error' | 'warn' | 'info' | 'debug' {
  if (namespace === 'Connection' && message.startsWith('Response ')) return 'debug';
  return LEVELS[level] ?? 'info';
}

/**
 * kafkajs' own socket factory with TCP_NODELAY on (kafkajs leaves Nagle's algorithm on; the Java
 * client and @platformatic/kafka turn it off): a small request written while another is unacknowledged
 * is sent at once instead of waiting for the peer's (possibly delayed) ACK.
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KAFKA_CLIENT_SETTINGS.socketKeepAliveDelayMs);
  return socket;
};
