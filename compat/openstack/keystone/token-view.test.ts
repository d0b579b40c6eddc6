// TokenBodyRenderer: the same JSON as rendering afresh, with or without the catalog, per scope, and new text after a catalog change.
import { describe, expect, it } from 'vitest';
import { ServiceCatalog } from '../../../core/identity/catalog.js';
import type { TokenInfo } from '../../../core/identity/index.js';
import { TokenBodyRenderer, renderToken } from './token-view.js';

const catalog = () => {
  const c = new ServiceCatalog('http://h:8080', 'RegionOne');
  c.register({ type: 'identity', name: 'keystone', path: '/identity' });
  c.register({ type: 'object-store', name: 'swift', path: '/object/v1/AUTH_%(project_id)s' });
  return c;
};

const info = (scope: 'project' | 'domain' | 'unscoped', projectId = 'p1'): TokenInfo => {
  const domain = { id: 'default', name: 'Default' };
  const t = {
    payload: { userId: 'u1', methods: ['password'], scope: { kind: 'unscoped' }, auditIds: ['AAAAAAAAAAAAAAAAAAAAAA'], issuedAt: 1_700_000_000_123, expiresAt: 1_700_003_600_123 },
    user: { id: 'u1', name: 'alice', domain, passwordExpiresAt: null },
    roles: scope === 'unscoped' ? [] : [{ id: 'r1', name: 'member' }],
    context: {} as TokenInfo['context'],
  } as TokenInfo;
  if (scope === 'project') t.project = { id: projectId, name: 'demo', domain };
  if (scope === 'domain') t.domain = domain;
  return t;
};

const fresh = (c: ServiceCatalog, t: TokenInfo, nocatalog: boolean) => {
  const cat = nocatalog ? undefined : t.project ? c.forProject(t.project.id) : t.domain ? c.forProject() : undefined;
  return JSON.stringify({ token: renderToken(t, cat) });
};

describe('TokenBodyRenderer', () => {
  it.each([
    ['project', false],
    ['project', true],
    ['domain', false],
    ['unscoped', false],
  ] as const)('a %s token (nocatalog %s) renders exactly as JSON.stringify of the token body', (scope, nocatalog) => {
    const c = catalog();
    const r = new TokenBodyRenderer(c);
    const t = info(scope);
    expect(r.render(t, nocatalog)).toBe(fresh(c, t, nocatalog));
    expect(r.render(t, nocatalog)).toBe(fresh(c, t, nocatalog));
  });

  it('gives each project its own catalog URLs', () => {
    const c = catalog();
    const r = new TokenBodyRenderer(c);
    const a = JSON.parse(r.render(info('project', 'p1'), false)).token.catalog;
    const b = JSON.parse(r.render(info('project', 'p2'), false)).token.catalog;
    expect(a[1].endpoints[0].url).toBe('http://h:8080/object/v1/AUTH_p1');
    expect(b[1].endpoints[0].url).toBe('http://h:8080/object/v1/AUTH_p2');
    expect(JSON.parse(r.render(info('domain'), false)).token.catalog.map((s: { type: string }) => s.type)).toEqual(['identity']);
  });

  it('renders a newly resolved token afresh and follows a catalog change', () => {
    const c = catalog();
    const r = new TokenBodyRenderer(c);
    const before = info('project');
    r.render(before, false);
    const renamed = { ...before, user: { ...before.user, name: 'alice2' } };
    expect(JSON.parse(r.render(renamed, false)).token.user.name).toBe('alice2');
    c.register({ type: 'volumev3', name: 'cinder', path: '/volume/v3/%(project_id)s' });
    expect(r.render(before, false)).toBe(fresh(c, before, false));
    expect(JSON.parse(r.render(before, false)).token.catalog.map((s: { type: string }) => s.type)).toContain('volumev3');
  });
});
