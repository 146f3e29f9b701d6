import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createLogger } from '../../logging/logger';
import type { LogFormat } from '../../config/common.config';
import type { KafkaTransport } from '../../ports/kafka-transport.port';
import { createKafkaTransport, createTopicAdmin, type KafkaTransportOptions } from '../kafka-transport';
import { PLAINTEXT_SECURITY } from '../../security/kafka-security';
import { securityFromThread, securityToThread } from '../kafka-security.options';
import { KafkaThreadHost } from './kafka-thread.host';
import { KAFKA_THREAD_ROLE, type KafkaThreadData } from './kafka-thread.protocol';
import { ThreadedTransport } from './threaded.transport';

/** Options of {@link startKafkaThread}. */
export interface KafkaThreadOptions extends KafkaTransportOptions {
  /**
   * The service's entry script (its bundle's `__filename`): the thread runs it, and the entry
   * point, seeing {@link isKafkaThread}, calls {@link runKafkaThread} instead of starting the service.
   */
  entry: string;
  /** The service's name and log level, for the thread's own JSON lines. */
  service: string;
  logLevel: string;
  logFormat: LogFormat;
  /** Called if the thread ends or fails: the service can no longer reach Kafka. */
  onExit: (error: Error) => void;
}

/** True in a Kafka thread started by {@link startKafkaThread}. */
export function isKafkaThread(): boolean {
  return !isMainThread && (workerData as Partial<KafkaThreadData> | undefined)?.role === KAFKA_THREAD_ROLE;
}

/**
 * Starts a thread that runs the Kafka clients and returns the transport that drives them from this
 * thread (docs/architecture.md, "Kafka on its own thread"). Topic administration stays here.
 */
export function startKafkaThread(options: KafkaThreadOptions): KafkaTransport {
  const data: KafkaThreadData = {
    role: KAFKA_THREAD_ROLE,
    client: options.client,
    brokers: options.brokers,
    security: securityToThread(options.security ?? PLAINTEXT_SECURITY),
    clientId: options.clientId,
    service: options.service,
    logLevel: options.logLevel,
    logFormat: options.logFormat,
  };
  const worker = new Worker(options.entry, { workerData: data });
  worker.unref();
  let ended = false;
  const end = (error: Error) => {
    if (ended) return;
    ended = true;
    options.onExit(error);
  };
  worker.on('error', (error) => end(error));
  worker.on('exit', (code) => end(new Error(`the Kafka thread exited with code ${code}`)));
  return new ThreadedTransport(worker, options.client, createTopicAdmin(options));
}

/** The Kafka thread's work: builds the real clients and serves the service's thread until it ends. */
export function runKafkaThread(): void {
  const data = workerData as KafkaThreadData;
  if (!parentPort) throw new Error('runKafkaThread runs in a Kafka thread only');
  const logger = createLogger(data.service, data.logLevel, data.logFormat).child({ thread: 'kafka' });
  const transport = createKafkaTransport({
    client: data.client,
    brokers: data.brokers,
    security: securityFromThread(data.security),
    clientId: data.clientId,
    logger,
  });
  new KafkaThreadHost(parentPort, transport, logger);
}
