import type { IKeyValue } from 'etcd3';
import pino from 'pino';
import { ServiceCatalog } from '../catalog/service-catalog';
import { CatalogWriter } from './catalog.writer';

const PREFIX = '/services/';
const logger = pino({ level: 'silent' });

function kv(name: string, instanceId: string, modRevision: number, value?: object | string): IKeyValue {
  const body = value ?? { name, kind: 'chain', topic: `${name}.req`, instanceId };
  return {
    key: Buffer.from(`${PREFIX}${name}/${instanceId}`),
    value: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    create_revision: String(modRevision),
    mod_revision: String(modRevision),
    version: '1',
    lease: '0',
  };
}

function setup(): { catalog: ServiceCatalog; writer: CatalogWriter; names: () => string[] } {
  const catalog = new ServiceCatalog();
  const writer = new CatalogWriter(catalog, PREFIX, logger);
  return { catalog, writer, names: () => catalog.snapshot().map((s) => s.name) };
}

describe('CatalogWriter', () => {
  it('applies puts and deletes newer than the last full read', () => {
    const { writer, names } = setup();
    writer.replaceAll([kv('chain1', 'a', 3)], 5n);
    writer.onEvent({ type: 'put', kv: kv('chain2', 'a', 6) });
    writer.onEvent({ type: 'delete', kv: kv('chain1', 'a', 7) });
    expect(names()).toEqual(['chain2']);
  });

  it('skips events that the full read already contains', () => {
    const { writer, names } = setup();
    writer.replaceAll([kv('chain1', 'a', 3)], 5n);
    writer.onEvent({ type: 'delete', kv: kv('chain1', 'a', 4) }); // replayed, older than the read
    expect(names()).toEqual(['chain1']);
  });

  it('holds events during a full read and applies the newer ones after it', () => {
    const { writer, names } = setup();
    writer.holdEvents();
    writer.onEvent({ type: 'put', kv: kv('chain2', 'a', 9) });
    writer.onEvent({ type: 'put', kv: kv('chain3', 'a', 4) });
    expect(names()).toEqual([]);
    writer.replaceAll([kv('chain1', 'a', 2), kv('chain3', 'a', 4)], 8n);
    writer.releaseEvents();
    expect(names()).toEqual(['chain1', 'chain2', 'chain3']);
  });

  it('ignores a full read older than the applied events', () => {
    const { writer, names } = setup();
    writer.onEvent({ type: 'put', kv: kv('chain1', 'a', 10) });
    writer.replaceAll([], 9n);
    expect(names()).toEqual(['chain1']);
  });

  it('treats an invalid put as the instance gone and ignores foreign keys', () => {
    const { writer, names } = setup();
    writer.replaceAll([kv('chain1', 'a', 2), kv('bad', 'x', 3, 'not json')], 3n);
    expect(names()).toEqual(['chain1']);
    writer.onEvent({ type: 'put', kv: kv('chain1', 'a', 4, { name: 'chain1', kind: 'nope' }) });
    expect(names()).toEqual([]);
    writer.onEvent({ type: 'put', kv: { ...kv('x', 'y', 5), key: Buffer.from('/services/too/many/parts') } });
    expect(names()).toEqual([]);
  });

  it('survives a throwing catalog listener', () => {
    const { catalog, writer, names } = setup();
    catalog.on('change', () => {
      throw new Error('listener bug');
    });
    expect(() => writer.onEvent({ type: 'put', kv: kv('chain1', 'a', 1) })).not.toThrow();
    expect(names()).toEqual(['chain1']);
  });
});
