// Keystone version discovery: GET /identity → 300 with versions.values, GET /identity/v3 → 200 with version.
import type { Context, Hono } from 'hono';
import type { OpenStackEnv } from '../common/index.js';

/** The one version served, in the shape keystoneauth, gophercloud and tempest parse (keystone 22 reports v3.14). */
export function versionDoc(identityUrl: string) {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${identityUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/** Registers `/` and `/v3`, each with and without a trailing slash. */
export function registerDiscoveryRoutes(app: Hono<OpenStackEnv>, identityUrl: string): void {
  const getVersions = (c: Context<OpenStackEnv>) => c.json({ versions: { values: [versionDoc(identityUrl)] } }, 300);
  const getVersionV3 = (c: Context<OpenStackEnv>) => c.json({ version: versionDoc(identityUrl) }, 200);
  app.get('/', getVersions);
  // `GET /identity/`: a sub-app cannot name its mount path with a trailing slash, so match it under the wildcard.
  app.get('/*', (c, next) => {
    // Every Keystone GET passes here; only a path ending in `/` can be the mount point's.
    if (!c.req.path.endsWith('/')) return next();
    const mount = c.req.routePath.replace(/\/\*$/, '');
    return c.req.path === `${mount}/` ? getVersions(c) : next();
  });
  app.get('/v3', getVersionV3);
  app.get('/v3/', getVersionV3);
}
