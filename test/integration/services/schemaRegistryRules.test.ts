// The registry's compatibility rules, checked in-process (no running server needed).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCompatibility, createRegistryServer } from '../../../scripts/schema-registry.mjs';

const rec = (fields: object[]) => JSON.stringify({ type: 'record', name: 'T', fields });
const base = rec([{ name: 'a', type: 'string' }]);
const addWithDefault = rec([
  { name: 'a', type: 'string' },
  { name: 'b', type: 'int', default: 0 },
]);
const addWithoutDefault = rec([
  { name: 'a', type: 'string' },
  { name: 'b', type: 'int' },
]);
const removeField = rec([]);
const widen = (t: string) => rec([{ name: 'a', type: t }]);

describe('checkCompatibility', () => {
  it.each([
    // [change, BACKWARD, FORWARD, FULL]
    ['add a field with a default', addWithDefault, true, true, true],
    ['add a field without a default', addWithoutDefault, false, true, false],
    ['remove a field', removeField, true, false, false],
  ])('%s', (_name, next, backward, forward, full) => {
    expect(checkCompatibility(next, [base], 'BACKWARD').compatible).toBe(backward);
    expect(checkCompatibility(next, [base], 'FORWARD').compatible).toBe(forward);
    expect(checkCompatibility(next, [base], 'FULL').compatible).toBe(full);
    expect(checkCompatibility(next, [base], 'NONE').compatible).toBe(true);
  });

  it('follows Avro type promotion (int → long is BACKWARD only)', () => {
    const i = rec([{ name: 'n', type: 'int' }]);
    const l = rec([{ name: 'n', type: 'long' }]);
    expect(checkCompatibility(l, [i], 'BACKWARD').compatible).toBe(true);
    expect(checkCompatibility(l, [i], 'FORWARD').compatible).toBe(false);
    expect(checkCompatibility(widen('bytes'), [base], 'FULL').compatible).toBe(true);
  });

  it('checks only the latest version unless the level is transitive', () => {
    // v1 {a}, v2 {} (drops a), v3 {a: string no default}: v3 reads v2 data? no — a has no default
    const v1 = rec([{ name: 'a', type: 'string', default: 'x' }]);
    const v2 = rec([{ name: 'a', type: 'int', default: 0 }]);
    const v3 = rec([{ name: 'a', type: 'long', default: 0 }]);
    expect(checkCompatibility(v3, [v1, v2], 'BACKWARD').compatible).toBe(true);
    const transitive = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE');
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages[0]).toContain('BACKWARD');
  });

  it('rejects invalid schemas and levels', () => {
    expect(() => checkCompatibility('{"type":"nope"}', [base])).toThrow(/Invalid schema/);
    expect(() => checkCompatibility(base, [base], 'SIDEWAYS' as never)).toThrow(/Invalid compatibility level/);
  });
});

describe('registry HTTP rules (in-memory server)', () => {
  const server = createRegistryServer();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('gives one id per schema across subjects, and versions per subject', async () => {
    const a = await call('POST', '/subjects/a/versions', { schema: base });
    const b = await call('POST', '/subjects/b/versions', { schema: JSON.stringify(JSON.parse(base), null, 2) });
    expect(a.body.id).toBe(1);
    expect(b.body.id).toBe(1);
    expect((await call('GET', '/schemas/ids/1/schema')).body).toEqual(JSON.parse(base));
    expect((await call('POST', '/subjects/a/versions', { schema: addWithDefault })).body.id).toBe(2);
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1, 2]);
  });

  it('enforces the global and subject compatibility levels', async () => {
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call('GET', '/config/a')).body.error_code).toBe(40408);
    const needsC = rec([
      { name: 'a', type: 'string' },
      { name: 'c', type: 'int' },
    ]);
    const conflict = await call('POST', '/subjects/a/versions', { schema: needsC });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error_code: 409, message: expect.stringContaining('default-less T.c') });
    await call('PUT', '/config', { compatibility: 'FORWARD' });
    expect((await call('POST', '/subjects/b/versions', { schema: removeField })).status).toBe(409);
    await call('PUT', '/config/b', { compatibility: 'NONE' });
    expect((await call('POST', '/subjects/b/versions', { schema: removeField })).status).toBe(200);
    expect((await call('PUT', '/config', { compatibility: 'SIDEWAYS' })).body.error_code).toBe(42203);
    expect((await call('POST', '/subjects/c/versions', { schema: '{"type":' })).body.error_code).toBe(42201);
    expect((await call('GET', '/subjects/a/versions/x')).body.error_code).toBe(42202);
  });
});
