import { shared, STARTED_KEY, stopContainers } from './containers';

/** After every test: stops the Kafka and etcd containers global-setup.ts started, if it did. */
export default async function globalTeardown(): Promise<void> {
  const started = shared[STARTED_KEY];
  if (!started) return;
  shared[STARTED_KEY] = undefined;
  await stopContainers(started.containers);
}
