import { DiscoveryErrorCodes } from '../errors/discovery-error-codes';
import { DiscoveryError } from '../errors/discovery.error';

/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms` (the timer never keeps the
 * process alive). The error is built when the time runs out, so it can say what was seen by then.
 */
export function withTimeLimit<T>(promise: Promise<T>, ms: number, onTimeout: () => DiscoveryError): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Settles like the etcd call `promise`, or rejects with a DiscoveryError `ETCD_UNAVAILABLE` naming
 * `what` after `ms`: etcd did not answer in time.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeLimit(
    promise,
    ms,
    () => new DiscoveryError(DiscoveryErrorCodes.ETCD_UNAVAILABLE, `${what} did not finish within ${ms} ms`),
  );
}
