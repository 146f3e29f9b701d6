import { SpanKind, setupTracing, startSpan, traceHeaders, traceIdOf } from './tracing';

describe('tracing', () => {
  beforeAll(() => setupTracing('test', { OTEL_TRACES_EXPORTER: 'none' }));

  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('continues the trace named by an incoming traceparent, with a span of its own', () => {
    const span = startSpan('work', SpanKind.CONSUMER, { traceparent: incoming });
    expect(traceIdOf(span)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const onward = traceHeaders(span)['traceparent'];
    expect(onward).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(onward).not.toBe(incoming);
    span.end();
  });

  it('reads header names case-insensitively and the last of repeated values', () => {
    const span = startSpan('work', SpanKind.SERVER, { Traceparent: ['garbage', incoming] });
    expect(traceIdOf(span)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    span.end();
  });

  it('starts a new trace when none comes in', () => {
    const span = startSpan('work', SpanKind.SERVER, {});
    expect(traceIdOf(span)).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdOf(span)).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    span.end();
  });

  it('refuses an unknown exporter, naming the variable', () => {
    jest.isolateModules(() => {
      // A fresh module: setupTracing installs once per process.
      const fresh = jest.requireActual<typeof import('./tracing')>('./tracing');
      expect(() => fresh.setupTracing('x', { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
    });
  });
});
