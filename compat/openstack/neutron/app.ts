// The Neutron v2.0 family: a sub-app mounted under /network with discovery, extensions, every collection's CRUD and tags, router actions, quotas, agents.
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RequestContext } from '../../../core/context.js';
import { errors } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { ListScope, NetworkService, Taggable } from '../../../core/network/index.js';
import { createOpenStackApp, finishOpenStackApp, jsonBodyLimit, readJsonObject, requireAuth, type OpenStackEnv, type TokenValidator } from '../common/index.js';
import { neutronError, neutronOnError } from './errors.js';
import { findExtension, listExtensions } from './extensions.js';
import { filterItems, parseQuery, selectFields, single, sortAndPage, type Query } from './listing.js';
import { registerNotImplemented } from './not-implemented.js';
import { neutronOperations } from './operations.js';
import * as req from './request.js';
import * as v from './views.js';

/** What the Neutron app is built from (in `gateway/app.ts`). */
export interface NeutronDeps {
  network: NetworkService;
  tokens: TokenValidator;
  logger: Logger;
  /** `{publicUrl}/network`: base of links. */
  networkUrl: string;
  /** `{publicUrl}/identity`, for `WWW-Authenticate` on 401s. */
  identityUrl: string;
  jsonBodyLimit: number;
}

type C = Context<OpenStackEnv>;

const ctxOf = (c: C): RequestContext => ({ requestId: c.get('requestId'), auth: c.get('auth') });
const opts = (c: C): v.ViewOptions => ({ admin: !!c.get('auth')?.roles.includes('admin') });

/** Neutron's version document (`GET /`, 200). */
export function versions(networkUrl: string) {
  return { versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${networkUrl}/v2.0/` }] }] };
}

/** One served collection: how to list, show, create, update and delete it, and its view. */
interface Collection {
  path: string;
  singular: string;
  plural: string;
  /** Handler names (the wire operations). */
  ops: { list: string; create: string; show: string; update?: string; delete: string };
  tagType?: Taggable;
  list(c: C, scope: ListScope): v.Wire[];
  show(c: C, id: string): v.Wire;
  create(c: C, body: Record<string, unknown>): v.Wire | Promise<v.Wire>;
  /** All-or-nothing bulk create; default: create one by one, deleting what was made when one fails. */
  createMany?(c: C, bodies: Array<Record<string, unknown>>): v.Wire[];
  update?(c: C, id: string, body: Record<string, unknown>): v.Wire;
  remove(c: C, id: string): void;
  /** Query keys pushed down to the service. */
  scope?(q: Query): ListScope;
}

/** Names a handler after its wire operation (the compat matrix and stack traces read it). */
function named<T extends (...a: never[]) => unknown>(name: string, fn: T): T {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/** Builds the Neutron sub-app (mount with `app.route('/network', ...)`); the catch-all stays last. */
export function createNeutronApp(deps: NeutronDeps): Hono<OpenStackEnv> {
  const app = createOpenStackApp({ logger: deps.logger, identityUri: deps.identityUrl });
  app.onError(neutronOnError(deps.logger, deps.identityUrl));
  const auth = requireAuth(deps.tokens);
  const net = deps.network;
  const limit = deps.jsonBodyLimit;
  app.use('*', jsonBodyLimit(limit));
  const body = (c: C) => readJsonObject(c, limit);
  const id = (c: C) => c.req.param('id')!;

  app.get('/', function listApiVersions(c) {
    return c.json(versions(deps.networkUrl));
  });

  const collections: Collection[] = [
    {
      path: 'networks',
      singular: 'network',
      plural: 'networks',
      ops: { list: 'listNetworks', create: 'createNetwork', show: 'showNetwork', update: 'updateNetwork', delete: 'deleteNetwork' },
      tagType: 'networks',
      scope: (q) => ({ ...(single(q, 'id') ? { ids: [single(q, 'id')!] } : {}) }),
      list: (c, s) => net.listNetworks(ctxOf(c), s).map((n) => v.networkView(n, opts(c))),
      show: (c, i) => v.networkView(net.getNetwork(ctxOf(c), i), opts(c)),
      create: (c, b) => v.networkView(net.createNetwork(ctxOf(c), req.toCreateNetwork(b)), opts(c)),
      update: (c, i, b) => v.networkView(net.updateNetwork(ctxOf(c), i, req.toUpdateNetwork(b)), opts(c)),
      remove: (c, i) => net.deleteNetwork(ctxOf(c), i),
    },
    {
      path: 'subnets',
      singular: 'subnet',
      plural: 'subnets',
      ops: { list: 'listSubnets', create: 'createSubnet', show: 'showSubnet', update: 'updateSubnet', delete: 'deleteSubnet' },
      tagType: 'subnets',
      scope: (q) => ({ ...(single(q, 'network_id') ? { networkId: single(q, 'network_id') } : {}), ...(single(q, 'id') ? { ids: [single(q, 'id')!] } : {}) }),
      list: (c, s) => net.listSubnets(ctxOf(c), s).map(v.subnetView),
      show: (c, i) => v.subnetView(net.getSubnet(ctxOf(c), i)),
      create: (c, b) => v.subnetView(net.createSubnet(ctxOf(c), req.toCreateSubnet(b))),
      update: (c, i, b) => v.subnetView(net.updateSubnet(ctxOf(c), i, req.toUpdateSubnet(b))),
      remove: (c, i) => net.deleteSubnet(ctxOf(c), i),
    },
    {
      path: 'ports',
      singular: 'port',
      plural: 'ports',
      ops: { list: 'listPorts', create: 'createPort', show: 'showPort', update: 'updatePort', delete: 'deletePort' },
      tagType: 'ports',
      scope: (q) => ({
        ...(single(q, 'network_id') ? { networkId: single(q, 'network_id') } : {}),
        ...(single(q, 'device_id') !== undefined ? { deviceId: single(q, 'device_id') } : {}),
        ...(single(q, 'id') ? { ids: [single(q, 'id')!] } : {}),
      }),
      list: (c, s) => {
        const o = opts(c);
        return net.listPorts(ctxOf(c), s).map((p) => v.portView(p, o));
      },
      show: (c, i) => v.portView(net.getPort(ctxOf(c), i), opts(c)),
      create: async (c, b) => v.portView(await net.createPortBatched(ctxOf(c), req.toCreatePort(b)), opts(c)),
      createMany: (c, bs) => net.createPorts(ctxOf(c), bs.map(req.toCreatePort)).map((p) => v.portView(p, opts(c))),
      update: (c, i, b) => v.portView(net.updatePort(ctxOf(c), i, req.toUpdatePort(b)), opts(c)),
      remove: (c, i) => net.deletePort(ctxOf(c), i),
    },
    {
      path: 'subnetpools',
      singular: 'subnetpool',
      plural: 'subnetpools',
      ops: { list: 'listSubnetpools', create: 'createSubnetpool', show: 'showSubnetpool', update: 'updateSubnetpool', delete: 'deleteSubnetpool' },
      tagType: 'subnetpools',
      list: (c, s) => net.listSubnetPools(ctxOf(c), s).map(v.subnetPoolView),
      show: (c, i) => v.subnetPoolView(net.getSubnetPool(ctxOf(c), i)),
      create: (c, b) => v.subnetPoolView(net.createSubnetPool(ctxOf(c), req.toCreateSubnetPool(b))),
      update: (c, i, b) => v.subnetPoolView(net.updateSubnetPool(ctxOf(c), i, req.toUpdateSubnetPool(b))),
      remove: (c, i) => net.deleteSubnetPool(ctxOf(c), i),
    },
    {
      path: 'address-scopes',
      singular: 'address_scope',
      plural: 'address_scopes',
      ops: { list: 'listAddressScopes', create: 'createAddressScope', show: 'showAddressScope', update: 'updateAddressScope', delete: 'deleteAddressScope' },
      list: (c, s) => net.listAddressScopes(ctxOf(c), s).map(v.addressScopeView),
      show: (c, i) => v.addressScopeView(net.getAddressScope(ctxOf(c), i)),
      create: (c, b) => v.addressScopeView(net.createAddressScope(ctxOf(c), req.toCreateAddressScope(b))),
      update: (c, i, b) => v.addressScopeView(net.updateAddressScope(ctxOf(c), i, req.toUpdateAddressScope(b))),
      remove: (c, i) => net.deleteAddressScope(ctxOf(c), i),
    },
    {
      path: 'security-groups',
      singular: 'security_group',
      plural: 'security_groups',
      ops: { list: 'listSecurityGroups', create: 'createSecurityGroup', show: 'showSecurityGroup', update: 'updateSecurityGroup', delete: 'deleteSecurityGroup' },
      tagType: 'security_groups',
      list: (c, s) => net.listSecurityGroups(ctxOf(c), s).map(v.securityGroupView),
      show: (c, i) => v.securityGroupView(net.getSecurityGroup(ctxOf(c), i)),
      create: (c, b) => v.securityGroupView(net.createSecurityGroup(ctxOf(c), req.toCreateSecurityGroup(b))),
      update: (c, i, b) => v.securityGroupView(net.updateSecurityGroup(ctxOf(c), i, req.toUpdateSecurityGroup(b))),
      remove: (c, i) => net.deleteSecurityGroup(ctxOf(c), i),
    },
    {
      path: 'security-group-rules',
      singular: 'security_group_rule',
      plural: 'security_group_rules',
      ops: { list: 'listSecurityGroupRules', create: 'createSecurityGroupRule', show: 'showSecurityGroupRule', delete: 'deleteSecurityGroupRule' },
      list: (c, s) => net.listSecurityGroupRules(ctxOf(c), s).map(v.ruleView),
      show: (c, i) => v.ruleView(net.getSecurityGroupRule(ctxOf(c), i)),
      create: (c, b) => v.ruleView(net.createSecurityGroupRule(ctxOf(c), req.toCreateRule(b))),
      remove: (c, i) => net.deleteSecurityGroupRule(ctxOf(c), i),
    },
    {
      path: 'routers',
      singular: 'router',
      plural: 'routers',
      ops: { list: 'listRouters', create: 'createRouter', show: 'showRouter', update: 'updateRouter', delete: 'deleteRouter' },
      tagType: 'routers',
      list: (c, s) => net.listRouters(ctxOf(c), s).map((r) => v.routerView(r, opts(c))),
      show: (c, i) => v.routerView(net.getRouter(ctxOf(c), i), opts(c)),
      create: (c, b) => v.routerView(net.createRouter(ctxOf(c), req.toCreateRouter(b)), opts(c)),
      update: (c, i, b) => v.routerView(net.updateRouter(ctxOf(c), i, req.toUpdateRouter(b)), opts(c)),
      remove: (c, i) => net.deleteRouter(ctxOf(c), i),
    },
    {
      path: 'floatingips',
      singular: 'floatingip',
      plural: 'floatingips',
      ops: { list: 'listFloatingips', create: 'createFloatingip', show: 'showFloatingip', update: 'updateFloatingip', delete: 'deleteFloatingip' },
      tagType: 'floatingips',
      list: (c, s) => net.listFloatingIps(ctxOf(c), s).map(v.floatingIpView),
      show: (c, i) => v.floatingIpView(net.getFloatingIp(ctxOf(c), i)),
      create: (c, b) => v.floatingIpView(net.createFloatingIp(ctxOf(c), req.toCreateFloatingIp(b))),
      update: (c, i, b) => v.floatingIpView(net.updateFloatingIp(ctxOf(c), i, req.toUpdateFloatingIp(b))),
      remove: (c, i) => net.deleteFloatingIp(ctxOf(c), i),
    },
  ];

  const listUrl = (path: string) => `${deps.networkUrl}/v2.0/${path}`;

  app.get('/v2.0', auth, function showApiV2Details(c) {
    return c.json({ resources: collections.map((col) => ({ name: col.singular, collection: col.plural, links: [{ href: listUrl(col.path), rel: 'self' }] })) });
  });
  app.get('/v2.0/', auth, (c) => c.json({ resources: collections.map((col) => ({ name: col.singular, collection: col.plural, links: [{ href: listUrl(col.path), rel: 'self' }] })) }));
  app.get('/v2.0/extensions', auth, function listExtensionsHandler(c) {
    return c.json({ extensions: listExtensions() });
  });
  app.get('/v2.0/extensions/:alias', auth, function showExtension(c) {
    const e = findExtension(c.req.param('alias'));
    if (!e) return neutronError(c, 404, 'HTTPNotFound', `Extension with alias ${c.req.param('alias')} does not exist`);
    return c.json({ extension: e });
  });

  for (const col of collections) {
    const base = `/v2.0/${col.path}`;
    app.get(
      base,
      auth,
      named(col.ops.list, (c: C) => {
        const q = parseQuery(c.req.url);
        const items = filterItems(col.list(c, col.scope?.(q) ?? {}), q);
        const page = sortAndPage(items, q, listUrl(col.path));
        const out: Record<string, unknown> = { [col.plural]: page.items.map((i) => selectFields(i, q)) };
        if (page.links.length) out[`${col.plural}_links`] = page.links;
        return c.json(out);
      }),
    );
    app.post(
      base,
      auth,
      named(col.ops.create, async (c: C) => {
        const { items, bulk } = req.resourceBodies(await body(c), col.singular, col.plural);
        if (!bulk) return c.json({ [col.singular]: await col.create(c, items[0]!) }, 201);
        if (col.createMany) return c.json({ [col.plural]: col.createMany(c, items) }, 201);
        const made: v.Wire[] = [];
        try {
          for (const it of items) made.push(await col.create(c, it));
        } catch (e) {
          // Neutron's emulated bulk: what was made is removed, the request fails as a whole.
          for (const m of made.reverse()) {
            try {
              col.remove(c, m.id as string);
            } catch {
              // Already gone.
            }
          }
          throw e;
        }
        return c.json({ [col.plural]: made }, 201);
      }),
    );
    app.get(
      `${base}/:id`,
      auth,
      named(col.ops.show, (c: C) => c.json({ [col.singular]: selectFields(col.show(c, id(c)), parseQuery(c.req.url)) })),
    );
    if (col.update) {
      const update = col.update;
      app.put(
        `${base}/:id`,
        auth,
        named(col.ops.update!, async (c: C) => {
          const b = await body(c);
          const o = b[col.singular];
          if (!o || typeof o !== 'object' || Array.isArray(o)) throw errors.invalid(`Resource body required: expected '${col.singular}'.`, { type: 'HTTPBadRequest' });
          return c.json({ [col.singular]: update(c, id(c), o as Record<string, unknown>) });
        }),
      );
    }
    app.delete(
      `${base}/:id`,
      auth,
      named(col.ops.delete, (c: C) => {
        col.remove(c, id(c));
        return c.body(null, 204);
      }),
    );
    if (col.tagType) registerTags(app, auth, net, base, col.tagType, col.singular, body);
  }

  // Router actions
  app.put('/v2.0/routers/:id/add_router_interface', auth, async function addRouterInterface(c) {
    return c.json(v.routerInterfaceView(net.addRouterInterface(ctxOf(c), id(c), req.toInterfaceRequest(await body(c)))));
  });
  app.put('/v2.0/routers/:id/remove_router_interface', auth, async function removeRouterInterface(c) {
    return c.json(v.routerInterfaceView(net.removeRouterInterface(ctxOf(c), id(c), req.toInterfaceRequest(await body(c)))));
  });
  app.put('/v2.0/routers/:id/add_extraroutes', auth, async function addExtraRoutes(c) {
    const add = req.toRoutesBody(await body(c));
    const cur = net.getRouter(ctxOf(c), id(c));
    const next = [...cur.routes];
    for (const r of add) if (!next.some((x) => x.destination === r.destination && x.nexthop === r.nexthop)) next.push(r);
    return c.json({ router: v.routerView(net.updateRouter(ctxOf(c), id(c), { routes: next }), opts(c)) });
  });
  app.put('/v2.0/routers/:id/remove_extraroutes', auth, async function removeExtraRoutes(c) {
    const drop = req.toRoutesBody(await body(c));
    const cur = net.getRouter(ctxOf(c), id(c));
    const next = cur.routes.filter((x) => !drop.some((r) => r.destination === x.destination && r.nexthop === x.nexthop));
    return c.json({ router: v.routerView(net.updateRouter(ctxOf(c), id(c), { routes: next }), opts(c)) });
  });
  app.get('/v2.0/routers/:id/l3-agents', auth, function listL3AgentsHostingRouter(c) {
    net.getRouter(ctxOf(c), id(c));
    const agents = net.listAgents(ctxOf(c)).filter((a) => a.agentType === 'L3 agent' && a.host === net.settings.networkHost);
    return c.json({ agents: agents.map(v.agentView) });
  });
  app.get('/v2.0/networks/:id/dhcp-agents', auth, function listDhcpAgentsHostingNetwork(c) {
    net.getNetwork(ctxOf(c), id(c));
    const agents = net.listAgents(ctxOf(c)).filter((a) => a.agentType === 'DHCP agent' && a.host === net.settings.networkHost);
    return c.json({ agents: agents.map(v.agentView) });
  });

  app.get('/v2.0/floatingip_pools', auth, function listFloatingIpPools(c) {
    const ctx = ctxOf(c);
    const pools = net
      .listNetworks(ctx)
      .filter((n) => n.external)
      .flatMap((n) => net.listSubnets(ctx, { networkId: n.id }).map((s) => ({ subnet_id: s.id, subnet_name: s.name, network_id: n.id, subnet_ip_cidr: s.cidr, tenant_id: n.projectId, project_id: n.projectId })));
    return c.json({ floatingip_pools: pools });
  });

  // Auto-allocated topology
  app.get('/v2.0/auto-allocated-topology/:project_id', auth, function showAutoAllocatedTopology(c) {
    const q = parseQuery(c.req.url);
    const dry = (q.get('fields') ?? []).includes('dry-run');
    const r = net.getAutoAllocatedTopology(ctxOf(c), c.req.param('project_id'), dry);
    if ('dryRun' in r) return c.json({ auto_allocated_topology: { 'dry-run': 'pass' } });
    return c.json({ auto_allocated_topology: { id: r.networkId, tenant_id: r.projectId, project_id: r.projectId } });
  });
  app.delete('/v2.0/auto-allocated-topology/:project_id', auth, function deleteAutoAllocatedTopology(c) {
    net.deleteAutoAllocatedTopology(ctxOf(c), c.req.param('project_id'));
    return c.body(null, 204);
  });

  app.get('/v2.0/availability_zones', auth, function listAvailabilityZones(c) {
    const q = parseQuery(c.req.url);
    const zones = net.listAvailabilityZones(ctxOf(c)).map((z) => ({ name: z.name, resource: z.resource, state: z.state }));
    return c.json({ availability_zones: filterItems(zones, q) });
  });

  // Agents
  app.get('/v2.0/agents', auth, function listAgents(c) {
    const q = parseQuery(c.req.url);
    const page = sortAndPage(filterItems(net.listAgents(ctxOf(c)).map(v.agentView), q), q, listUrl('agents'));
    return c.json({ agents: page.items.map((i) => selectFields(i, q)), ...(page.links.length ? { agents_links: page.links } : {}) });
  });
  app.get('/v2.0/agents/:id', auth, function showAgent(c) {
    return c.json({ agent: v.agentView(net.getAgent(ctxOf(c), id(c))) });
  });
  app.put('/v2.0/agents/:id', auth, async function updateAgent(c) {
    const b = (await body(c)).agent as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object') throw errors.invalid("Resource body required: expected 'agent'.", { type: 'HTTPBadRequest' });
    const input: { adminStateUp?: boolean; description?: string | null } = {};
    for (const [k, val] of Object.entries(b)) {
      if (k === 'admin_state_up' && typeof val === 'boolean') input.adminStateUp = val;
      else if (k === 'description' && (typeof val === 'string' || val === null)) input.description = val;
      else throw errors.invalid(`Attribute '${k}' not allowed in PUT`, { type: 'HTTPBadRequest' });
    }
    return c.json({ agent: v.agentView(net.updateAgent(ctxOf(c), id(c), input)) });
  });
  app.delete('/v2.0/agents/:id', auth, function deleteAgent(c) {
    net.deleteAgent(ctxOf(c), id(c));
    return c.body(null, 204);
  });
  app.get('/v2.0/agents/:id/l3-routers', auth, function listRoutersOnL3Agent(c) {
    const a = net.getAgent(ctxOf(c), id(c));
    const routers = a.agentType === 'L3 agent' ? net.listRouters(ctxOf(c)) : [];
    return c.json({ routers: routers.map((r) => v.routerView(r, opts(c))) });
  });
  app.get('/v2.0/agents/:id/dhcp-networks', auth, function listNetworksOnDhcpAgent(c) {
    const a = net.getAgent(ctxOf(c), id(c));
    const nets = a.agentType === 'DHCP agent' && a.host === net.settings.networkHost ? net.listNetworks(ctxOf(c)).filter((n) => n.subnets.length) : [];
    return c.json({ networks: nets.map((n) => v.networkView(n, opts(c))) });
  });

  // Quotas
  app.get('/v2.0/quotas', auth, function listQuotas(c) {
    return c.json({ quotas: net.listQuotas(ctxOf(c)).map((q) => ({ ...v.quotaView(q.quotas), tenant_id: q.projectId, project_id: q.projectId })) });
  });
  app.get('/v2.0/quotas/:project_id/details', auth, function showQuotaDetails(c) {
    return c.json({ quota: v.quotaDetailView(net.getQuotaDetails(ctxOf(c), c.req.param('project_id'))) });
  });
  app.get('/v2.0/quotas/:project_id/default', auth, function showQuotaDefault(c) {
    return c.json({ quota: v.quotaView(net.defaultQuotas(ctxOf(c))) });
  });
  app.get('/v2.0/quotas/:project_id', auth, function showQuota(c) {
    return c.json({ quota: v.quotaView(net.getQuotas(ctxOf(c), c.req.param('project_id'))) });
  });
  app.put('/v2.0/quotas/:project_id', auth, async function updateQuota(c) {
    const b = (await body(c)).quota;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw errors.invalid("Resource body required: expected 'quota'.", { type: 'HTTPBadRequest' });
    return c.json({ quota: v.quotaView(net.updateQuotas(ctxOf(c), c.req.param('project_id'), b as Record<string, unknown>)) });
  });
  app.delete('/v2.0/quotas/:project_id', auth, function resetQuota(c) {
    net.resetQuotas(ctxOf(c), c.req.param('project_id'));
    return c.body(null, 204);
  });

  app.get('/v2.0/service-providers', auth, function listServiceProviders(c) {
    return c.json({ service_providers: [] });
  });

  registerNotImplemented(app, neutronOperations, auth);
  finishOpenStackApp(app, { renderError: (c, e) => neutronError(c, e.status as ContentfulStatusCode, 'HTTPNotFound', e.status === 404 ? 'The resource could not be found.' : e.message) });
  return app;
}

/** The `/tags` sub-resource of one collection. */
function registerTags(app: Hono<OpenStackEnv>, auth: ReturnType<typeof requireAuth>, net: NetworkService, base: string, type: Taggable, singular: string, body: (c: C) => Promise<Record<string, unknown>>): void {
  const label = singular.replace(/(^|_)([a-z])/g, (_m, _p, ch: string) => ch.toUpperCase()).replace('Floatingip', 'FloatingIp').replace('Subnetpool', 'SubnetPool');
  const ctx = (c: C) => ctxOf(c);
  app.get(
    `${base}/:id/tags`,
    auth,
    named(`list${label}Tags`, (c: C) => c.json({ tags: net.listTags(ctx(c), type, c.req.param('id')!) })),
  );
  app.put(
    `${base}/:id/tags`,
    auth,
    named(`replace${label}Tags`, async (c: C) => c.json({ tags: net.replaceTags(ctx(c), type, c.req.param('id')!, (await body(c)).tags) })),
  );
  app.delete(
    `${base}/:id/tags`,
    auth,
    named(`removeAll${label}Tags`, (c: C) => {
      net.removeAllTags(ctx(c), type, c.req.param('id')!);
      return c.body(null, 204);
    }),
  );
  app.get(
    `${base}/:id/tags/:tag`,
    auth,
    named(`check${label}Tag`, (c: C) => {
      net.checkTag(ctx(c), type, c.req.param('id')!, c.req.param('tag')!);
      return c.body(null, 204);
    }),
  );
  app.put(
    `${base}/:id/tags/:tag`,
    auth,
    named(`add${label}Tag`, (c: C) => {
      net.addTag(ctx(c), type, c.req.param('id')!, c.req.param('tag')!);
      return c.body(null, 201);
    }),
  );
  app.delete(
    `${base}/:id/tags/:tag`,
    auth,
    named(`remove${label}Tag`, (c: C) => {
      net.removeTag(ctx(c), type, c.req.param('id')!, c.req.param('tag')!);
      return c.body(null, 204);
    }),
  );
}
