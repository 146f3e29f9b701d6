import { OPS_REQUEST_SCHEMA } from '@gateway/messaging';

/**
 * The route schemas of the HTTP API (contract §4). The request body schema is the messaging
 * library's {@link OPS_REQUEST_SCHEMA}, which the route also validates with; the response schemas
 * are for the OpenAPI document only (under `x-responses`, so they never change serialization).
 */
const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

const serviceResult = {
  type: 'object',
  required: ['status'],
  description: 'One asked service: ok / error with latencyMs; timeout, left, or pending (completion any/k only).',
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'timeout', 'left', 'pending'] },
    result: { description: 'The chain result (status ok).' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    latencyMs: { type: 'number' },
  },
} as const;

const aggregate = {
  type: 'object',
  required: ['uid', 'status', 'results', 'missing', 'elapsedMs'],
  properties: {
    uid: { type: 'string' },
    status: { type: 'string', enum: ['complete', 'partial'] },
    results: { type: 'object', additionalProperties: serviceResult },
    missing: { type: 'array', items: { type: 'string' } },
    elapsedMs: { type: 'number' },
  },
} as const;

const gatewayError = {
  type: 'object',
  required: ['uid', 'status', 'error'],
  properties: {
    uid: { type: 'string' },
    status: { type: 'string', enum: ['error'] },
    error: errorBody.properties.error,
  },
} as const;

const probe = {
  type: 'object',
  properties: { ready: { type: 'boolean' }, problems: { type: 'array', items: { type: 'string' } } },
} as const;

export const postRequestsSchema = {
  summary: 'Send a request to every registered chain service and get one aggregate',
  tags: ['requests'],
  // Open unless ops is given bearer tokens (OPS_API_TOKENS_FILE): either no credentials, or a token.
  security: [{}, { bearer: [] }],
  body: OPS_REQUEST_SCHEMA,
  'x-responses': {
    200: { description: 'complete, or partial (deadline passed or services left first)', ...aggregate },
    400: { description: 'the body is not JSON or breaks contract §3 (INVALID_REQUEST)', ...errorBody },
    401: {
      description:
        'OPS_API_TOKENS_FILE is set and the bearer token is missing, unknown or expired (UNAUTHORIZED; WWW-Authenticate says which)',
      ...errorBody,
    },
    413: { description: 'the body is over OPS_MAX_BODY_BYTES (BODY_TOO_LARGE)', ...errorBody },
    415: { description: 'content-type is not application/json (UNSUPPORTED_MEDIA_TYPE)', ...errorBody },
    404: { ...gatewayError, description: '`services` names a chain service that is not registered (UNKNOWN_SERVICE); no chain was asked' },
    503: {
      ...gatewayError,
      description: 'no aggregate was formed: NO_SERVICES, OVERLOADED (with Retry-After), SHUTTING_DOWN, KAFKA_UNAVAILABLE or NOT_READY',
    },
    504: { description: 'no asked service answered in time (the aggregate, all timeout/left)', ...aggregate },
  },
} as const;

export const getServicesSchema = {
  summary: 'The services ops knows from etcd, with their instances',
  tags: ['discovery'],
  'x-responses': {
    200: {
      description: 'every service (chain and gateway)',
      type: 'object',
      properties: {
        services: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              kind: { type: 'string', enum: ['chain', 'gateway'] },
              topic: { type: 'string' },
              instances: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
        },
      },
    },
  },
} as const;

export const healthzSchema = {
  summary: 'Alive',
  tags: ['operations'],
  'x-responses': { 200: { description: 'the process is alive', type: 'object' } },
} as const;

export const readyzSchema = {
  summary: 'Ready: Kafka and etcd connected, catalog loaded, reply partition held and read',
  tags: ['operations'],
  'x-responses': { 200: { description: 'ready', ...probe }, 503: { description: 'not ready, with the problems', ...probe } },
} as const;

export const metricsSchema = {
  summary: 'Prometheus metrics (docs/metrics.md)',
  tags: ['operations'],
  'x-responses': {
    200: { description: 'Prometheus text format', content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } } },
  },
} as const;
