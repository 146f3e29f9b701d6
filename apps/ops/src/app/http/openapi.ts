import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Version of the HTTP API in the OpenAPI document. */
export const API_VERSION = '1.0.0';

/**
 * Publishes the OpenAPI document of the routes, generated from their schemas, at `/docs/json`
 * (and `/docs/yaml`), with a browsable page at `/docs`. Route schemas keep their response
 * schemas under `x-responses`, moved to `responses` here, so they document without serializing.
 */
export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ops — request aggregation gateway',
        description:
          'One request in, broadcast over Kafka to every chain service registered in etcd, one aggregate out (docs/contract.md).',
        version: API_VERSION,
      },
      tags: [
        { name: 'requests', description: 'scatter-gather requests' },
        { name: 'discovery', description: 'what ops knows from etcd' },
        { name: 'operations', description: 'health, readiness, metrics' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'one of the tokens of OPS_API_TOKENS_FILE, when it is set' },
        },
      },
    },
    transform: ({ schema, url }) => {
      if (!schema) return { schema, url };
      const { 'x-responses': responses, ...rest } = schema as Record<string, unknown>;
      return { schema: (responses ? { ...rest, response: responses } : rest) as typeof schema, url };
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs' });
}
