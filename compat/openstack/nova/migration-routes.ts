// Nova's operator APIs: the migrate / os-migrateLive / os-resetState actions, os-migrations and server migrations, os-simple-tenant-usage.
import type { Context, Hono } from 'hono';
import type { Migration, TenantUsage } from '../../../core/compute/index.js';
import { errors } from '../../../core/errors.js';
import { isObject, type OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast, type Microversion } from './microversion.js';
import { bad, onlyKeys, str } from './request.js';
import { isoMicro } from './views.js';

type ActionHandler = (c: Context<OpenStackEnv>, id: string, arg: unknown) => Response | Promise<Response>;

/** Nova's timestamps on migrations: ISO 8601 with microseconds, no zone. */
const stamp = (ms: number) => isoMicro(ms)!;
/** Nova's `*_instance_type_id` are integers; devstack's flavor ids are numeric strings. */
const flavorNumber = (id: string) => (/^\d+$/.test(id) ? Number(id) : id);
const IN_PROGRESS = new Set(['queued', 'accepted', 'preparing', 'running']);

/** One `os-migrations` entry as `mv` shows it. */
function migrationView(mv: Microversion, base: string, m: Migration): Record<string, unknown> {
  const out: Record<string, unknown> = {
    created_at: stamp(m.createdAt),
    dest_compute: m.destCompute,
    dest_host: m.destHost,
    dest_node: m.destNode,
    id: m.id,
    instance_uuid: m.instanceId,
    new_instance_type_id: flavorNumber(m.newFlavorId),
    old_instance_type_id: flavorNumber(m.oldFlavorId),
    source_compute: m.sourceCompute,
    source_node: m.sourceNode,
    status: m.status,
    updated_at: stamp(m.updatedAt),
  };
  if (atLeast(mv, 23)) {
    out.migration_type = m.migrationType;
    if (m.migrationType === 'live-migration' && IN_PROGRESS.has(m.status)) {
      out.links = [
        { rel: 'self', href: `${base}/v2.1/servers/${m.instanceId}/migrations/${m.id}` },
        { rel: 'bookmark', href: `${base}/servers/${m.instanceId}/migrations/${m.id}` },
      ];
    }
  }
  if (atLeast(mv, 59)) out.uuid = m.uuid;
  if (atLeast(mv, 80)) Object.assign(out, { user_id: m.userId, project_id: m.projectId });
  return out;
}

/** One `/servers/{id}/migrations` entry (a live migration in progress; the fake reports no memory or disk progress). */
function serverMigrationView(mv: Microversion, m: Migration): Record<string, unknown> {
  const out: Record<string, unknown> = {
    created_at: stamp(m.createdAt),
    dest_compute: m.destCompute,
    dest_host: m.destHost,
    dest_node: m.destNode,
    disk_processed_bytes: 0,
    disk_remaining_bytes: 0,
    disk_total_bytes: 0,
    id: m.id,
    memory_processed_bytes: 0,
    memory_remaining_bytes: 0,
    memory_total_bytes: 0,
    server_uuid: m.instanceId,
    source_compute: m.sourceCompute,
    source_node: m.sourceNode,
    status: m.status,
    updated_at: stamp(m.updatedAt),
  };
  if (atLeast(mv, 59)) out.uuid = m.uuid;
  if (atLeast(mv, 80)) Object.assign(out, { user_id: m.userId, project_id: m.projectId });
  return out;
}

/** Nova's `changes-since` / `changes-before` timestamps (400 when unparsable). */
function timeParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw bad(name, v, `'${v}' is not a 'date-time'`);
  return t;
}

/** The admin actions on a server this module serves (merged into the action table). */
export function operatorActions(d: NovaRouteDeps): Record<string, ActionHandler> {
  const { compute } = d;
  return {
    migrate: (c, id, arg) => {
      let host: string | undefined;
      if (arg !== null && arg !== undefined) {
        if (!isObject(arg)) throw bad('migrate', arg, `${JSON.stringify(arg)} is not of type 'object', 'null'`);
        onlyKeys(arg, atLeast(d.mv(c), 56) ? ['host'] : [], 'migrate');
        host = str(arg, 'host', { nullable: true, min: 1, max: 255 }) ?? undefined;
      }
      compute.migrateServer(d.ctx(c), id, host);
      return c.body(null, 202);
    },
    'os-migrateLive': (c, id, arg) => {
      const mv = d.mv(c);
      if (!isObject(arg)) throw bad('os-migrateLive', arg ?? null, `${JSON.stringify(arg ?? null)} is not of type 'object'`);
      const allowed = ['host', 'block_migration'];
      if (!atLeast(mv, 25)) allowed.push('disk_over_commit');
      if (atLeast(mv, 30) && !atLeast(mv, 68)) allowed.push('force');
      onlyKeys(arg, allowed, 'os-migrateLive');
      if (!('host' in arg)) throw bad('os-migrateLive', arg, "'host' is a required property");
      if (!('block_migration' in arg)) throw bad('os-migrateLive', arg, "'block_migration' is a required property");
      const bm = arg.block_migration;
      const boolish = (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && /^(true|false|yes|no|on|off|1|0)$/i.test(v));
      if (atLeast(mv, 25) ? !(bm === 'auto' || boolish(bm)) : !boolish(bm)) throw bad('block_migration', bm, atLeast(mv, 25) ? "is not one of [True, False, 'auto']" : 'is not of type boolean');
      if (!atLeast(mv, 25)) {
        if (!('disk_over_commit' in arg)) throw bad('os-migrateLive', arg, "'disk_over_commit' is a required property");
        if (!boolish(arg.disk_over_commit)) throw bad('disk_over_commit', arg.disk_over_commit, 'is not of type boolean');
      }
      if (arg.force !== undefined && typeof arg.force !== 'boolean') throw bad('force', arg.force, 'is not of type boolean');
      const host = str(arg, 'host', { nullable: true, min: 1, max: 255 }) ?? undefined;
      compute.liveMigrateServer(d.ctx(c), id, host);
      return c.body(null, 202);
    },
    'os-resetState': (c, id, arg) => {
      if (!isObject(arg)) throw bad('os-resetState', arg ?? null, `${JSON.stringify(arg ?? null)} is not of type 'object'`);
      onlyKeys(arg, ['state'], 'os-resetState');
      if (arg.state !== 'active' && arg.state !== 'error') throw bad('state', arg.state ?? null, "is not one of ['active', 'error']");
      compute.resetState(d.ctx(c), id, arg.state);
      return c.body(null, 202);
    },
  };
}

/** Python's `datetime.isoformat()` of a naive UTC time: microseconds only when not zero. */
const pyIso = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, f: string) => (f === '000' ? '' : `.${f}000`));

/** Nova's `_parse_datetime`: `%Y-%m-%dT%H:%M:%S[.%f]` or `%Y-%m-%d %H:%M:%S.%f`; now when absent. */
function usageTime(c: Context, name: 'start' | 'end', now: number): number {
  const v = c.req.query(name);
  if (!v) return now;
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d{1,6})?Z?$/.exec(v);
  const t = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ? m[3].slice(0, 4).padEnd(4, '0') : ''}Z`) : NaN;
  if (Number.isNaN(t)) throw errors.invalid(`Invalid datetime string: ${v}`, { reason: 'datetime' });
  return t;
}

function tenantUsageView(u: TenantUsage, withServers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    start: pyIso(u.start),
    stop: pyIso(u.stop),
    tenant_id: u.projectId,
    total_hours: u.totalHours,
    total_local_gb_usage: u.totalLocalGbUsage,
    total_memory_mb_usage: u.totalMemoryMbUsage,
    total_vcpus_usage: u.totalVcpusUsage,
  };
  if (withServers) {
    out.server_usages = u.servers.map((s) => ({
      ended_at: s.endedAt === null ? null : pyIso(s.endedAt),
      flavor: s.flavor,
      hours: s.hours,
      instance_id: s.instanceId,
      local_gb: s.localGb,
      memory_mb: s.memoryMb,
      name: s.name,
      started_at: pyIso(s.startedAt),
      state: s.state,
      tenant_id: s.projectId,
      uptime: s.uptime,
      vcpus: s.vcpus,
    }));
  }
  return out;
}

export function registerMigrationRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;
  const tooOld = (c: Context, minor: number) => {
    if (!atLeast(d.mv(c), minor)) throw errors.notFound('resource', c.req.path, 'The resource could not be found.');
  };

  app.get('/v2.1/os-migrations', function listMigrationsAll(c) {
    const mv = d.mv(c);
    const q = (k: string) => c.req.query(k) || undefined;
    let limit: number | undefined;
    if (atLeast(mv, 59) && q('limit') !== undefined) {
      limit = Number(q('limit'));
      if (!Number.isInteger(limit) || limit < 0) throw bad('limit', q('limit'), 'is not a non-negative integer');
    }
    const list = compute.listMigrations(d.ctx(c), {
      instanceId: q('instance_uuid'),
      host: q('host'),
      status: q('status'),
      migrationType: q('migration_type'),
      sourceCompute: q('source_compute'),
      ...(atLeast(mv, 59) ? { changesSince: timeParam(c, 'changes-since'), marker: q('marker'), limit } : {}),
      ...(atLeast(mv, 66) ? { changesBefore: timeParam(c, 'changes-before') } : {}),
      ...(atLeast(mv, 80) ? { userId: q('user_id'), projectId: q('project_id') } : {}),
    });
    const body: Record<string, unknown> = { migrations: list.map((m) => migrationView(mv, d.computeUrl, m)) };
    if (limit !== undefined && limit > 0 && list.length === limit) {
      const next = new URL(`${d.computeUrl}/v2.1/os-migrations`);
      for (const [k, v] of new URL(c.req.url).searchParams) if (k !== 'marker') next.searchParams.set(k, v);
      next.searchParams.set('marker', list[list.length - 1]!.uuid);
      body.migrations_links = [{ rel: 'next', href: next.toString() }];
    }
    return c.json(body);
  });

  /** The period and (2.40) page of a usage request; the link to the next page names the last server. */
  const usageQuery = (c: Context, projectId?: string) => {
    const now = Date.now();
    const start = usageTime(c, 'start', now);
    const end = usageTime(c, 'end', now + 1);
    let limit: number | undefined;
    let marker: string | undefined;
    if (atLeast(d.mv(c), 40)) {
      const l = c.req.query('limit');
      if (l !== undefined) {
        limit = Number(l);
        if (!Number.isInteger(limit) || limit < 0) throw bad('limit', l, 'is not a non-negative integer');
      }
      marker = c.req.query('marker') || undefined;
    }
    const usages = compute.tenantUsages(d.ctx(c as Context<OpenStackEnv>), { start, end, projectId, limit, marker });
    const count = usages.reduce((n, u) => n + u.servers.length, 0);
    let links: Array<{ rel: string; href: string }> | undefined;
    if (limit !== undefined && limit > 0 && count === limit) {
      const next = new URL(`${d.computeUrl}/v2.1/os-simple-tenant-usage${projectId ? `/${projectId}` : ''}`);
      for (const [k, v] of new URL(c.req.url).searchParams) if (k !== 'marker') next.searchParams.set(k, v);
      next.searchParams.set('marker', usages[usages.length - 1]!.servers.at(-1)!.instanceId);
      links = [{ rel: 'next', href: next.toString() }];
    }
    return { usages, links };
  };

  app.get('/v2.1/os-simple-tenant-usage', function listTenantUsage(c) {
    const { usages, links } = usageQuery(c);
    const detailed = c.req.query('detailed') === '1';
    return c.json({ tenant_usages: usages.map((u) => tenantUsageView(u, detailed)), ...(links ? { tenant_usages_links: links } : {}) });
  });

  app.get('/v2.1/os-simple-tenant-usage/:tenant_id', function showTenantUsage(c) {
    const { usages, links } = usageQuery(c, c.req.param('tenant_id'));
    return c.json({ tenant_usage: usages[0] ? tenantUsageView(usages[0], true) : {}, ...(links ? { tenant_usage_links: links } : {}) });
  });

  app.get('/v2.1/servers/:server_id/migrations', function listMigrations(c) {
    tooOld(c, 23);
    const mv = d.mv(c);
    return c.json({ migrations: compute.listServerMigrations(d.ctx(c), c.req.param('server_id')).map((m) => serverMigrationView(mv, m)) });
  });

  app.get('/v2.1/servers/:server_id/migrations/:migration_id', function showMigration(c) {
    tooOld(c, 23);
    return c.json({ migration: serverMigrationView(d.mv(c), compute.getServerMigration(d.ctx(c), c.req.param('server_id'), c.req.param('migration_id'))) });
  });

  app.post('/v2.1/servers/:server_id/migrations/:migration_id/action', async function forceMigrationComplete(c) {
    tooOld(c, 22);
    const body = await d.body(c);
    const name = Object.keys(body)[0];
    if (name !== 'force_complete') throw errors.invalid(`There is no such action: ${name ?? ''}`, { reason: 'action' });
    onlyKeys(body, ['force_complete']);
    if (body.force_complete !== null) throw bad('force_complete', body.force_complete, `${JSON.stringify(body.force_complete)} is not of type 'null'`);
    compute.forceCompleteLiveMigration(d.ctx(c), c.req.param('server_id'), c.req.param('migration_id'));
    return c.body(null, 202);
  });

  app.delete('/v2.1/servers/:server_id/migrations/:migration_id', function deleteMigration(c) {
    tooOld(c, 24);
    // From 2.65 a live migration still queued or preparing can be aborted too.
    compute.abortLiveMigration(d.ctx(c), c.req.param('server_id'), c.req.param('migration_id'), { queued: atLeast(d.mv(c), 65) });
    return c.body(null, 202);
  });
}
