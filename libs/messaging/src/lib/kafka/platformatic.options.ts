/**
 * @platformatic/kafka client settings shared by its producer and consumers, matching the kafkajs
 * ones (kafka-client.ts): 3 s to connect, 10 s per request, a few short retries so that a send
 * during a broker outage fails within about two seconds instead of hanging.
 */
export function platformaticBaseOptions(brokers: string[], clientId: string) {
  return { clientId, bootstrapBrokers: brokers, connectTimeout: 3000, timeout: 10_000, retries: 4, retryDelay: 250 };
}
