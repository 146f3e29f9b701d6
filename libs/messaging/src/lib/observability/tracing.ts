import {
  context,
  isSpanContextValid,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { MessagingError, MessagingErrorCodes } from '../errors/messaging.errors';
import type { Env } from '../config/env';

export { SpanKind, SpanStatusCode, type Context, type Span };

/** Exporters chosen by `OTEL_TRACES_EXPORTER` (the OpenTelemetry variable): none (default), otlp, console. */
export type TracesExporter = 'none' | 'otlp' | 'console';

/** The tracing of one service: spans are created and propagated always; exported as configured. */
export interface Tracing {
  exporter: TracesExporter;
  /** Flushes and stops the exporter (on shutdown). */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/**
 * Installs OpenTelemetry tracing for `service` once per process: a tracer provider with W3C trace
 * context propagation, and the exporter named by `OTEL_TRACES_EXPORTER` (`otlp` sends to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, read by the exporter
 * itself). Spans exist and `traceparent` is carried even with `none`, so logs can name the trace.
 */
export function setupTracing(service: string, env: Env = process.env): Tracing {
  if (installed) return installed;
  const raw = (env['OTEL_TRACES_EXPORTER'] ?? 'none').trim();
  if (raw !== 'none' && raw !== 'otlp' && raw !== 'console') {
    throw new MessagingError(MessagingErrorCodes.CONFIG_INVALID, `OTEL_TRACES_EXPORTER: must be one of none, otlp, console, got "${raw}"`, {
      variable: 'OTEL_TRACES_EXPORTER',
    });
  }
  const exporter: TracesExporter = raw;
  const spanProcessors: SpanProcessor[] = [];
  if (exporter === 'otlp') spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  if (exporter === 'console') spanProcessors.push(new BatchSpanProcessor(new ConsoleSpanExporter()));
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  installed = { exporter, shutdown: () => provider.shutdown() };
  return installed;
}

const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The trace context carried by `headers` (HTTP or Kafka, as strings), or the current one. */
export function contextFrom(headers: Record<string, string | string[] | undefined>): Context {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) flat[key.toLowerCase()] = last;
  }
  return propagation.extract(context.active(), flat, recordGetter);
}

/** The `traceparent` (and `tracestate`) headers that carry `span`'s context onward. */
export function traceHeaders(span: Span): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier;
}

/** Starts a span as a child of the context in `headers`. */
export function startSpan(
  name: string,
  kind: SpanKind,
  headers: Record<string, string | string[] | undefined>,
  attributes: Record<string, string | number> = {},
): Span {
  return trace.getTracer('gateway').startSpan(name, { kind, attributes }, contextFrom(headers));
}

/** The trace id of `span` (what logs carry as `traceId`); undefined when tracing is not set up and no trace came in. */
export function traceIdOf(span: Span): string | undefined {
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
