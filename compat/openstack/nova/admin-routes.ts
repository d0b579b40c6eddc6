// Nova's admin and project APIs: hypervisors, services, availability zones, limits, quota sets, server groups.
import type { Context, Hono } from 'hono';
import { GROUP_POLICIES, QUOTA_RESOURCES, type QuotaResource } from '../../../core/compute/index.js';
import { errors } from '../../../core/errors.js';
import { isObject, type OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast } from './microversion.js';
import { bad, member, onlyKeys, str } from './request.js';
import { hypervisorView, limitsView, quotaDetailView, quotaSetView, serverGroupView, serviceView, uptime } from './views.js';

const gone = (c: Context) => errors.notFound('resource', c.req.path, 'The resource could not be found.');

export function registerAdminRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;

  // Hypervisors
  const listHv = (detail: boolean) => (c: Context<OpenStackEnv>) => {
    const mv = d.mv(c);
    let hvs = compute.listHypervisors(d.ctx(c));
    const pattern = atLeast(mv, 53) ? c.req.query('hypervisor_hostname_pattern') : undefined;
    if (pattern) hvs = hvs.filter((h) => h.hypervisorHostname.includes(pattern));
    const withServers = atLeast(mv, 53) && c.req.query('with_servers') === 'true';
    return c.json({ hypervisors: hvs.map((h) => hypervisorView(d.view(c), h, detail, withServers ? compute.hypervisorServers(d.ctx(c), h.host) : undefined)) });
  };
  app.get('/v2.1/os-hypervisors', listHv(false));
  app.get('/v2.1/os-hypervisors/detail', listHv(true));
  app.get('/v2.1/os-hypervisors/statistics', function showHypervisorStatistics(c) {
    if (atLeast(d.mv(c), 88)) throw gone(c);
    const hvs = compute.listHypervisors(d.ctx(c));
    const sum = (f: (h: (typeof hvs)[number]) => number) => hvs.reduce((a, h) => a + f(h), 0);
    return c.json({
      hypervisor_statistics: {
        count: hvs.length,
        vcpus: sum((h) => h.vcpus),
        memory_mb: sum((h) => h.memoryMb),
        local_gb: sum((h) => h.localGb),
        vcpus_used: sum((h) => h.vcpusUsed),
        memory_mb_used: sum((h) => h.memoryMbUsed),
        local_gb_used: sum((h) => h.localGbUsed),
        free_ram_mb: sum((h) => h.memoryMb - h.memoryMbUsed),
        free_disk_gb: sum((h) => h.localGb - h.localGbUsed),
        current_workload: 0,
        running_vms: sum((h) => h.runningVms),
        disk_available_least: sum((h) => h.localGb - h.localGbUsed),
      },
    });
  });
  app.get('/v2.1/os-hypervisors/:hypervisor_id', function showHypervisor(c) {
    const h = compute.getHypervisor(d.ctx(c), c.req.param('hypervisor_id'));
    const withServers = atLeast(d.mv(c), 53) && c.req.query('with_servers') === 'true';
    return c.json({ hypervisor: hypervisorView(d.view(c), h, true, withServers ? compute.hypervisorServers(d.ctx(c), h.host) : undefined) });
  });
  app.get('/v2.1/os-hypervisors/:hypervisor_id/uptime', function showHypervisorUptime(c) {
    if (atLeast(d.mv(c), 88)) throw gone(c);
    const h = compute.getHypervisor(d.ctx(c), c.req.param('hypervisor_id'));
    return c.json({ hypervisor: { ...hypervisorView(d.view(c), h, false), uptime: uptime(h.startedAt) } });
  });
  const byPattern = (servers: boolean) => (c: Context<OpenStackEnv>) => {
    if (atLeast(d.mv(c), 53)) throw gone(c);
    const pattern = c.req.param('pattern') ?? '';
    const hvs = compute.listHypervisors(d.ctx(c)).filter((h) => h.hypervisorHostname.includes(pattern));
    if (!hvs.length) throw errors.notFound('hypervisor', pattern, `No hypervisor matching '${pattern}' could be found.`);
    return c.json({ hypervisors: hvs.map((h) => hypervisorView(d.view(c), h, false, servers ? compute.hypervisorServers(d.ctx(c), h.host) : undefined)) });
  };
  app.get('/v2.1/os-hypervisors/:pattern/search', byPattern(false));
  app.get('/v2.1/os-hypervisors/:pattern/servers', byPattern(true));

  // Services
  app.get('/v2.1/os-services', function listComputeServices(c) {
    const services = compute.listServices(d.ctx(c), { binary: c.req.query('binary'), host: c.req.query('host') });
    return c.json({ services: services.map((s) => serviceView(d.view(c), s)) });
  });
  const legacy = (kind: 'enable' | 'disable' | 'disable-log-reason' | 'force-down') => async (c: Context<OpenStackEnv>) => {
    const mv = d.mv(c);
    if (atLeast(mv, 53) || (kind === 'force-down' && !atLeast(mv, 11))) throw gone(c);
    const b = await d.body(c);
    const host = str(b, 'host', { required: true })!;
    const binary = str(b, 'binary', { required: true })!;
    const reason = kind === 'disable-log-reason' ? str(b, 'disabled_reason', { required: true, max: 255 }) : undefined;
    if (kind === 'force-down' && typeof b.forced_down !== 'boolean') throw bad('forced_down', b.forced_down ?? null, 'is not of type boolean');
    const s = compute.updateService(d.ctx(c), { host, binary }, kind === 'force-down' ? { forcedDown: b.forced_down as boolean } : { disabled: kind !== 'enable', disabledReason: reason ?? null });
    const out: Record<string, unknown> = { host: s.host, binary: s.binary };
    if (kind === 'force-down') out.forced_down = s.forcedDown;
    else out.status = s.status;
    if (kind === 'disable-log-reason') out.disabled_reason = s.disabledReason;
    return c.json({ service: out });
  };
  app.put('/v2.1/os-services/enable', legacy('enable'));
  app.put('/v2.1/os-services/disable', legacy('disable'));
  app.put('/v2.1/os-services/disable-log-reason', legacy('disable-log-reason'));
  app.put('/v2.1/os-services/force-down', legacy('force-down'));
  app.put('/v2.1/os-services/:service_id', async function updateComputeService(c) {
    if (!atLeast(d.mv(c), 53)) throw gone(c);
    const b = await d.body(c);
    onlyKeys(b, ['status', 'disabled_reason', 'forced_down']);
    if (b.status !== undefined && b.status !== 'enabled' && b.status !== 'disabled') throw bad('status', b.status, "is not one of ['enabled', 'disabled']");
    if (b.disabled_reason !== undefined && b.status !== 'disabled') throw errors.invalid('Specifying a disabled reason is only allowed when disabling a service.');
    if (b.forced_down !== undefined && typeof b.forced_down !== 'boolean') throw bad('forced_down', b.forced_down, 'is not of type boolean');
    if (b.status === undefined && b.forced_down === undefined) throw errors.invalid('No updates were requested. Fields "status" or "forced_down" should be specified.');
    const s = compute.updateService(d.ctx(c), { id: c.req.param('service_id') }, {
      ...(b.status !== undefined ? { disabled: b.status === 'disabled', disabledReason: (b.disabled_reason as string | undefined) ?? null } : {}),
      ...(b.forced_down !== undefined ? { forcedDown: b.forced_down as boolean } : {}),
    });
    return c.json({ service: serviceView(d.view(c), s) });
  });
  app.delete('/v2.1/os-services/:service_id', function deleteComputeService(c) {
    compute.deleteService(d.ctx(c), c.req.param('service_id'));
    return c.body(null, 204);
  });

  // Availability zones
  app.get('/v2.1/os-availability-zone', function listAvailabilityZones(c) {
    return c.json({ availabilityZoneInfo: compute.availabilityZones(d.ctx(c)).map((z) => ({ zoneName: z.name, zoneState: { available: z.available }, hosts: null })) });
  });
  app.get('/v2.1/os-availability-zone/detail', function listAvailabilityZonesDetailed(c) {
    const zones = compute.availabilityZones(d.ctx(c));
    const services = compute.listServices(d.ctx(c));
    const svc = (host: string) =>
      Object.fromEntries(services.filter((s) => s.host === host).map((s) => [s.binary, { available: s.state === 'up' && s.status === 'enabled', active: s.status === 'enabled', updated_at: s.updatedAt ? new Date(s.updatedAt).toISOString() : null }]));
    const internal = [...new Set(services.filter((s) => s.binary !== 'nova-compute').map((s) => s.host))];
    return c.json({
      availabilityZoneInfo: [
        ...(internal.length ? [{ zoneName: 'internal', zoneState: { available: true }, hosts: Object.fromEntries(internal.map((h) => [h, svc(h)])) }] : []),
        ...zones.map((z) => ({ zoneName: z.name, zoneState: { available: z.available }, hosts: Object.fromEntries(z.hosts.map((h) => [h, svc(h)])) })),
      ],
    });
  });

  // Limits and quotas
  app.get('/v2.1/limits', function showLimits(c) {
    const ctx = d.ctx(c);
    const project = (c.get('auth')?.roles.includes('admin') && c.req.query('tenant_id')) || ctx.auth!.projectId!;
    return c.json(limitsView(d.view(c), compute.quotaDetail(ctx, project, ctx.auth!.userId)));
  });
  const parseQuota = (b: Record<string, unknown>): { changes: Partial<Record<QuotaResource, number>>; force: boolean } => {
    const q = member(b, 'quota_set');
    const allowed = [...QUOTA_RESOURCES, 'force', 'fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules', 'networks'];
    onlyKeys(q, allowed);
    const changes: Partial<Record<QuotaResource, number>> = {};
    for (const r of QUOTA_RESOURCES) {
      if (q[r] === undefined) continue;
      const v = typeof q[r] === 'string' && /^-?\d+$/.test(q[r] as string) ? Number(q[r]) : q[r];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -1) throw bad(r, q[r], `${JSON.stringify(q[r])} is less than the minimum of -1`);
      changes[r] = v;
    }
    return { changes, force: q.force === true || q.force === 'True' || q.force === 'true' };
  };
  app.get('/v2.1/os-quota-sets/:tenant_id', function showQuota(c) {
    const id = c.req.param('tenant_id');
    const detail = compute.quotaDetail(d.ctx(c), id);
    return c.json({ quota_set: quotaSetView(d.view(c), id, Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, v.limit])) as Record<QuotaResource, number>) });
  });
  app.get('/v2.1/os-quota-sets/:tenant_id/defaults', function listDefaultQuotas(c) {
    return c.json({ quota_set: quotaSetView(d.view(c), c.req.param('tenant_id'), compute.quotaDefaults()) });
  });
  app.get('/v2.1/os-quota-sets/:tenant_id/detail', function showQuotaDetail(c) {
    const id = c.req.param('tenant_id');
    return c.json({ quota_set: quotaDetailView(d.view(c), id, compute.quotaDetail(d.ctx(c), id, d.ctx(c).auth!.userId)) });
  });
  app.put('/v2.1/os-quota-sets/:tenant_id', async function updateQuota(c) {
    const id = c.req.param('tenant_id');
    const { changes, force } = parseQuota(await d.body(c));
    const limits = compute.updateQuotas(d.ctx(c), id, changes, force);
    const view = quotaSetView(d.view(c), id, limits);
    delete view.id;
    return c.json({ quota_set: view });
  });
  app.delete('/v2.1/os-quota-sets/:tenant_id', function revertQuota(c) {
    compute.deleteQuotas(d.ctx(c), c.req.param('tenant_id'));
    return c.body(null, 202);
  });

  // Server groups
  app.get('/v2.1/os-server-groups', function listServerGroups(c) {
    const limit = c.req.query('limit');
    const offset = c.req.query('offset');
    const groups = compute.listServerGroups(d.ctx(c), {
      allProjects: c.req.query('all_projects') !== undefined && c.req.query('all_projects') !== 'false',
      ...(limit && /^\d+$/.test(limit) ? { limit: Number(limit) } : {}),
      ...(offset && /^\d+$/.test(offset) ? { offset: Number(offset) } : {}),
    });
    return c.json({ server_groups: groups.map((g) => serverGroupView(d.view(c), g)) });
  });
  app.post('/v2.1/os-server-groups', async function createServerGroup(c) {
    const mv = d.mv(c);
    const g = member(await d.body(c), 'server_group');
    let policy: string;
    let rules: Record<string, number> | undefined;
    if (atLeast(mv, 64)) {
      onlyKeys(g, ['name', 'policy', 'rules']);
      policy = str(g, 'policy', { required: true })!;
      if (g.rules !== undefined) {
        if (!isObject(g.rules)) throw bad('rules', g.rules, "is not of type 'object'");
        onlyKeys(g.rules, ['max_server_per_host'], 'rules');
        const m = g.rules.max_server_per_host;
        if (m !== undefined && (typeof m !== 'number' || !Number.isInteger(m) || m < 1)) throw bad('rules/max_server_per_host', m, 'is less than the minimum of 1');
        rules = m !== undefined ? { max_server_per_host: m as number } : {};
      }
    } else {
      onlyKeys(g, ['name', 'policies']);
      if (!Array.isArray(g.policies) || g.policies.length !== 1 || typeof g.policies[0] !== 'string') throw bad('policies', g.policies ?? null, "'policies' is a required property");
      policy = g.policies[0];
      const allowed = atLeast(mv, 15) ? GROUP_POLICIES : ['affinity', 'anti-affinity'];
      if (!(allowed as readonly string[]).includes(policy)) throw bad('policies', g.policies, `'${policy}' is not one of ${JSON.stringify(allowed)}`);
    }
    const name = str(g, 'name', { required: true, min: 1, max: 255 })!;
    const group = compute.createServerGroup(d.ctx(c), { name, policy, ...(rules ? { rules } : {}) });
    return c.json({ server_group: serverGroupView(d.view(c), group) });
  });
  app.get('/v2.1/os-server-groups/:server_group_id', function showServerGroup(c) {
    return c.json({ server_group: serverGroupView(d.view(c), compute.getServerGroup(d.ctx(c), c.req.param('server_group_id'))) });
  });
  app.delete('/v2.1/os-server-groups/:server_group_id', function deleteServerGroup(c) {
    compute.deleteServerGroup(d.ctx(c), c.req.param('server_group_id'));
    return c.body(null, 204);
  });
}
