import { OPS_REQUEST_SCHEMA } from '@gateway/messaging';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bareHttpServer } from './http.server.fixture';

/** The committed OpenAPI document; `UPDATE_OPENAPI=1 npx nx test ops` writes it anew. */
const COMMITTED = join(__dirname, '../../../../../docs/openapi.json');

describe('the OpenAPI document', () => {
  const app = bareHttpServer();
  let document: {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: { properties: object } }> }; responses: Record<string, unknown> }>
    >;
  };

  beforeAll(async () => {
    await app.ready();
    document = JSON.parse(JSON.stringify(app.swagger())) as typeof document;
    if (process.env['UPDATE_OPENAPI'] === '1') writeFileSync(COMMITTED, `${JSON.stringify(document, null, 2)}\n`);
  });
  afterAll(() => app.close());

  it('documents every route of contract §4 with its statuses', () => {
    expect(Object.keys(document.paths).sort()).toEqual(['/healthz', '/metrics', '/readyz', '/requests', '/services']);
    expect(Object.keys(document.paths['/requests']?.['post']?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '413',
      '415',
      '503',
      '504',
    ]);
    expect(Object.keys(document.paths['/readyz']?.['get']?.responses ?? {}).sort()).toEqual(['200', '503']);
    // Each with the content type it is served with: /metrics is Prometheus text, not JSON.
    const metrics = document.paths['/metrics']?.['get']?.responses?.['200'] as { content?: Record<string, unknown> } | undefined;
    expect(Object.keys(metrics?.content ?? {})).toEqual(['text/plain; version=0.0.4; charset=utf-8']);
  });

  it('takes the request body from the schema the gateway validates with', () => {
    const body = document.paths['/requests']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual(Object.keys(OPS_REQUEST_SCHEMA.properties).sort());
  });

  it('is the one committed in docs/openapi.json (regenerate with UPDATE_OPENAPI=1)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(document);
  });

  it('is served at /docs/json, with a browsable page at /docs', async () => {
    const json = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual(document);
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});
