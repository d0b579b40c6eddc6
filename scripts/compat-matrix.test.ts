// Unit tests for the compat-matrix generator: rendering, staleness, and the table-versus-routes cross-check.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { OperationRow } from '../core/operations.js';
import { notImplemented, registerNotImplemented } from '../compat/openstack/keystone/not-implemented.js';
import { keystoneOperations } from '../compat/openstack/keystone/operations.js';
import { canonicalPath, crossCheck, duplicateRows, firstDifference, renderMatrix } from './compat-matrix.js';
import type { CompatTable } from './compat-tables.js';

const row = (operation: string, method: string, path: string, implemented: boolean, note?: string): OperationRow => ({
  service: 'demo',
  operation,
  method,
  path,
  implemented,
  ...(note ? { note } : {}),
});

/** A gateway with a family sub-app that has its own onError (so Hono wraps its handlers, as in the real app). */
function gatewayWith(rows: OperationRow[], serve: (app: Hono) => void): Hono {
  const family = new Hono();
  family.onError((_e, c) => c.json({ error: 'boom' }, 500));
  serve(family);
  registerNotImplemented(family, rows);
  family.all('*', (c) => c.json({ error: { code: 404 } }, 404));
  const gateway = new Hono();
  gateway.use('*', async (_c, next) => next());
  gateway.route('/fam', family);
  return gateway;
}

const table = (rows: OperationRow[]): CompatTable => ({ title: 'Demo', family: 'OpenStack', rows, mountPrefix: '/fam', placeholder: notImplemented });

describe('renderMatrix', () => {
  it('summarises each table and lists every operation with its status and escaped note', () => {
    const doc = renderMatrix([table([row('listThings', 'GET', '/v3/things', true, 'a | b'), row('createThing', 'POST', '/v3/things', false)])]);
    expect(doc).toContain('| [Demo](#demo) | OpenStack | 2 | 1 | 1 |');
    expect(doc).toContain('| `listThings` | GET | `/v3/things` | implemented | a \\| b |');
    expect(doc).toContain('| `createThing` | POST | `/v3/things` | NotImplemented |  |');
    expect(doc.endsWith('\n')).toBe(true);
  });

  it('renders a table\'s protection parameters with their verdict', () => {
    const t: CompatTable = {
      ...table([row('putThing', 'PUT', '/x', true)]),
      protection: { source: 'demo/protection.ts', rows: [{ param: 'x-lock', operations: ['putThing', 'copyThing'], verdict: 'refused', note: '501 | never dropped' }] },
    };
    const doc = renderMatrix([t]);
    expect(doc).toContain('### Demo request parameters');
    expect(doc).toContain('| `x-lock` | putThing, copyThing | refused | 501 \\| never dropped |');
  });

  it('is deterministic, so staleness is a plain comparison', () => {
    const t = [table([row('a', 'GET', '/x', true)])];
    expect(renderMatrix(t)).toBe(renderMatrix(t));
    expect(firstDifference(renderMatrix(t), renderMatrix(t))).toBe(0);
    expect(firstDifference('a\nb\nc\n', 'a\nB\nc\n')).toBe(2);
    expect(firstDifference('', 'a\n')).toBe(1);
  });
});

describe('canonicalPath', () => {
  it('treats Hono params, regex params and reference params alike, ignoring a trailing slash', () => {
    expect(canonicalPath('/identity/v3/users/:id{[0-9a-f]+}/roles/:role?/')).toBe('/identity/v3/users/{}/roles/{}');
    expect(canonicalPath('/identity/v3/users/{user_id}/roles/{role_id}')).toBe('/identity/v3/users/{}/roles/{}');
    expect(canonicalPath('/')).toBe('/');
  });
});

describe('crossCheck', () => {
  const rows = [
    row('listThings', 'GET', '/v3/things', true),
    row('checkThing', 'HEAD', '/v3/things/{thing_id}', true),
    row('showThing', 'GET', '/v3/things/{thing_id}', true),
    row('createThing', 'POST', '/v3/things', false),
    row('checkWidget', 'HEAD', '/v3/widgets/{widget_id}', false),
  ];
  const serve = (app: Hono) => {
    app.get('/v3/things', (c) => c.json({ things: [] }));
    app.get('/v3/things/:id', (c) => c.json({ error: { code: 404 } }, 404));
  };

  it('accepts a table that tells the truth (HEAD served by GET, unimplemented rows answer 501)', async () => {
    expect(await crossCheck(gatewayWith(rows, serve), table(rows))).toEqual([]);
  });

  it('flags a row marked implemented that has no route', async () => {
    const lying = rows.map((r) => (r.operation === 'createThing' ? { ...r, implemented: true } : r));
    const problems = await crossCheck(gatewayWith(lying, serve), table(lying));
    expect(problems).toEqual([expect.stringContaining('createThing (POST /fam/v3/things) is marked implemented but the app registers no route')]);
  });

  it('flags a row marked unimplemented that a real route serves', async () => {
    const modest = rows.map((r) => (r.operation === 'listThings' ? { ...r, implemented: false } : r));
    const problems = await crossCheck(gatewayWith(modest, serve), table(modest));
    expect(problems).toEqual([expect.stringMatching(/listThings .* marked not implemented but answers 200 from a real route/)]);
  });

  it('flags duplicate rows', () => {
    expect(duplicateRows([row('a', 'GET', '/x/{id}', true), row('b', 'GET', '/x/{other}', false)])).toHaveLength(1);
  });

  it('answers unimplemented Keystone operations with Keystone\'s 501 body', async () => {
    const app = gatewayWith(rows, serve);
    const r = await app.request('/fam/v3/things', { method: 'POST' });
    expect(r.status).toBe(501);
    expect(await r.json()).toEqual({ error: { code: 501, title: 'Not Implemented', message: 'The action you have requested has not been implemented.' } });
  });
});

describe('the Keystone table', () => {
  it('has no duplicate operations or (method, path) pairs', () => {
    expect(duplicateRows(keystoneOperations)).toEqual([]);
    const names = keystoneOperations.map((r) => r.operation);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers the extensions the API reference lists', () => {
    const paths = keystoneOperations.map((r) => r.path).join('\n');
    for (const ext of ['OS-INHERIT', 'OS-TRUST', 'OS-OAUTH1', 'OS-FEDERATION', 'OS-EP-FILTER', 'OS-ENDPOINT-POLICY', 'OS-EC2', 'OS-REVOKE']) {
      expect(paths).toContain(`/${ext}/`);
    }
    for (const p of ['/v3/policies', '/v3/limits', '/v3/registered_limits', '/v3/domains/{domain_id}/config', '/v3/role_inferences', '/v3/system/users/{user_id}/roles']) {
      expect(paths).toContain(p);
    }
  });
});
