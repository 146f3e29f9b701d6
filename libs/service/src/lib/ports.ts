/**
 * The parts a service is built from that the service runtime knows by their shape only, so a
 * service's own code is unit-tested with in-memory parts (libs/service/src/testing.ts).
 */

/** A service's registration in discovery (etcd): the lease-holding record ops reads. */
export interface Registration {
  /** True while the record is written under a live lease. */
  readonly registered: boolean;
  /** Writes the record and keeps it alive; resolves once it is written. */
  start(): Promise<void>;
  /** Marks the record draining: ops sends no new request but still waits for the ones in hand. */
  drain(): Promise<void>;
  /** Adds fields an operator sees to the record (the partitions the instance consumes …); never throws. */
  annotate(fields: Record<string, unknown>): Promise<unknown>;
  /** Deletes the record (revokes the lease). */
  close(): Promise<void>;
}

/** The `/healthz`, `/readyz` and `/metrics` endpoint of a service without an HTTP API of its own. */
export interface HealthEndpoint {
  /** Starts listening; resolves with the port. */
  start(): Promise<number>;
  close(): Promise<void>;
}

/** What the service runtime runs: parts built (nothing connected yet), then started and closed once. */
export interface RunnableService {
  start(): Promise<void>;
  /** The SIGTERM path: drain what is in hand, then disconnect. Safe to call twice. */
  close(): Promise<void>;
}
