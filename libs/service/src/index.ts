// The service runtime: one bootstrap for every service (settings, logging, tracing, signals,
// draining, flushing at exit), the ports of the parts it knows by shape, and the health endpoint
// of a service without an HTTP API of its own.
export * from './lib/health.server';
export * from './lib/install-shutdown';
export * from './lib/ports';
export * from './lib/run-service';
