import type * as Kafkajs from 'kafkajs';

/**
 * The kafkajs module, loaded on first use rather than at start-up: a service on
 * @platformatic/kafka (the default KAFKA_CLIENT) never loads it. Only types are imported statically.
 */
export function kafkajs(): typeof Kafkajs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load is the point (see above)
  return require('kafkajs') as typeof Kafkajs;
}
