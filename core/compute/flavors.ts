// Flavors: devstack's defaults at bootstrap, create/list/show/update/delete, extra specs and private flavor access.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { RequestContext } from '../context.js';
import { cmpFlavorAccess, cmpFlavorExtraSpecs, cmpFlavors } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { isAdmin, newId, requireRule, type ComputeContext } from './context.js';
import type { CreateFlavorInput, Flavor, FlavorSnapshot } from './types.js';

/** devstack's flavors (`nova flavor-create` in lib/nova): m1.* and the ds* set. */
export const DEVSTACK_FLAVORS: Array<Omit<CreateFlavorInput, 'id'> & { id: string }> = [
  { id: '1', name: 'm1.tiny', ramMb: 512, diskGb: 1, vcpus: 1 },
  { id: '2', name: 'm1.small', ramMb: 2048, diskGb: 20, vcpus: 1 },
  { id: '3', name: 'm1.medium', ramMb: 4096, diskGb: 40, vcpus: 2 },
  { id: '4', name: 'm1.large', ramMb: 8192, diskGb: 80, vcpus: 4 },
  { id: '5', name: 'm1.xlarge', ramMb: 16384, diskGb: 160, vcpus: 8 },
  { id: '42', name: 'm1.nano', ramMb: 128, diskGb: 1, vcpus: 1 },
  { id: '84', name: 'm1.micro', ramMb: 192, diskGb: 1, vcpus: 1 },
  { id: 'c1', name: 'cirros256', ramMb: 256, diskGb: 1, vcpus: 1 },
  { id: 'd1', name: 'ds512M', ramMb: 512, diskGb: 5, vcpus: 1 },
  { id: 'd2', name: 'ds1G', ramMb: 1024, diskGb: 10, vcpus: 1 },
  { id: 'd3', name: 'ds2G', ramMb: 2048, diskGb: 10, vcpus: 2 },
  { id: 'd4', name: 'ds4G', ramMb: 4096, diskGb: 20, vcpus: 4 },
];

type FlavorRow = typeof cmpFlavors.$inferSelect;

function specsOf(db: DbOrTx, ids: string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  if (!ids.length) return out;
  for (const r of db.select().from(cmpFlavorExtraSpecs).where(inArray(cmpFlavorExtraSpecs.flavorId, ids)).all()) {
    const m = out.get(r.flavorId) ?? {};
    m[r.key] = r.value;
    out.set(r.flavorId, m);
  }
  return out;
}

const toFlavor = (r: FlavorRow, specs: Record<string, string> = {}): Flavor => ({
  id: r.id,
  name: r.name,
  vcpus: r.vcpus,
  ramMb: r.ramMb,
  diskGb: r.diskGb,
  ephemeralGb: r.ephemeralGb,
  swapMb: r.swapMb,
  rxtxFactor: r.rxtxFactor,
  isPublic: r.isPublic,
  disabled: r.disabled,
  description: r.description,
  extraSpecs: specs,
});

/** The copy kept on an instance. */
export const snapshotOf = (f: Flavor): FlavorSnapshot => ({ id: f.id, name: f.name, vcpus: f.vcpus, ramMb: f.ramMb, diskGb: f.diskGb, ephemeralGb: f.ephemeralGb, swapMb: f.swapMb, extraSpecs: f.extraSpecs });

/** Registers devstack's flavors once (later starts find them and do nothing). */
export function ensureDefaultFlavors(cc: ComputeContext): void {
  const now = cc.now();
  cc.db.transaction((tx) => {
    for (const f of DEVSTACK_FLAVORS) {
      tx.insert(cmpFlavors)
        .values({ id: f.id, name: f.name, vcpus: f.vcpus, ramMb: f.ramMb, diskGb: f.diskGb, ephemeralGb: 0, swapMb: 0, rxtxFactor: 1, isPublic: true, disabled: false, description: null, createdAt: now })
        .onConflictDoNothing()
        .run();
    }
  });
}

/** True when the caller's project may use `row` (public, admin, or granted access). */
function usable(cc: ComputeContext, ctx: RequestContext, row: FlavorRow): boolean {
  if (row.isPublic || isAdmin(ctx)) return true;
  const p = ctx.auth?.projectId;
  return !!p && !!cc.db.select().from(cmpFlavorAccess).where(and(eq(cmpFlavorAccess.flavorId, row.id), eq(cmpFlavorAccess.projectId, p))).get();
}

/** One flavor by id, as the caller may see it (Nova's 404 otherwise). */
export function getFlavor(cc: ComputeContext, ctx: RequestContext, id: string): Flavor {
  const row = cc.db.select().from(cmpFlavors).where(eq(cmpFlavors.id, id)).get();
  if (!row || !usable(cc, ctx, row)) throw errors.notFound('flavor', id, `Flavor ${id} could not be found.`);
  return toFlavor(row, specsOf(cc.db, [row.id]).get(row.id));
}

export interface ListFlavorsOptions {
  /** `true`, `false` or undefined (`None`: both, for an admin). */
  isPublic?: boolean;
  minRam?: number;
  minDisk?: number;
  limit?: number;
  marker?: string;
  sortKey?: string;
  sortDir?: 'asc' | 'desc';
}

const SORT_COLUMNS: Record<string, AnySQLiteColumn> = {
  flavorid: cmpFlavors.id,
  id: cmpFlavors.id,
  name: cmpFlavors.name,
  memory_mb: cmpFlavors.ramMb,
  vcpus: cmpFlavors.vcpus,
  root_gb: cmpFlavors.diskGb,
  ephemeral_gb: cmpFlavors.ephemeralGb,
  swap: cmpFlavors.swapMb,
  rxtx_factor: cmpFlavors.rxtxFactor,
  created_at: cmpFlavors.createdAt,
};

/** Flavors sorted (Nova's default: flavorid asc), filtered by min_ram/min_disk; non-admins see public flavors and those shared with them. */
export function listFlavors(cc: ComputeContext, ctx: RequestContext, opts: ListFlavorsOptions = {}): Flavor[] {
  const key = opts.sortKey ?? 'flavorid';
  if (!SORT_COLUMNS[key]) throw errors.invalid(`Invalid sort_key provided: ${key}`);
  let rows = cc.db.select().from(cmpFlavors).orderBy(asc(SORT_COLUMNS[key]!), asc(cmpFlavors.id)).all();
  if (opts.sortDir === 'desc') rows.reverse();
  rows = rows.filter((r) => !r.disabled);
  if (!isAdmin(ctx)) {
    // A non-admin sees public flavors and the private ones shared with its project, whatever is_public says.
    rows = rows.filter((r) => usable(cc, ctx, r) && (opts.isPublic !== false || !r.isPublic));
  } else if (opts.isPublic !== undefined) {
    rows = rows.filter((r) => r.isPublic === opts.isPublic);
  }
  if (opts.minRam !== undefined) rows = rows.filter((r) => r.ramMb >= opts.minRam!);
  if (opts.minDisk !== undefined) rows = rows.filter((r) => r.diskGb >= opts.minDisk!);
  if (opts.marker !== undefined) {
    const i = rows.findIndex((r) => r.id === opts.marker);
    if (i < 0) throw errors.invalid(`marker [${opts.marker}] not found`);
    rows = rows.slice(i + 1);
  }
  if (opts.limit !== undefined) rows = rows.slice(0, opts.limit);
  const specs = specsOf(cc.db, rows.map((r) => r.id));
  return rows.map((r) => toFlavor(r, specs.get(r.id)));
}

/** Creates a flavor (admin). Names and ids are unique (409). */
export function createFlavor(cc: ComputeContext, ctx: RequestContext, input: CreateFlavorInput): Flavor {
  requireRule(ctx, 'os_compute_api:os-flavor-manage:create');
  const id = input.id ?? newId();
  return cc.db.transaction((tx) => {
    if (tx.select({ id: cmpFlavors.id }).from(cmpFlavors).where(eq(cmpFlavors.id, id)).get()) throw errors.conflict('flavor', `Flavor with ID ${id} already exists.`);
    if (tx.select({ id: cmpFlavors.id }).from(cmpFlavors).where(eq(cmpFlavors.name, input.name)).get()) throw errors.conflict('flavor', `Flavor with name ${input.name} already exists.`);
    const row: FlavorRow = {
      id,
      name: input.name,
      vcpus: input.vcpus,
      ramMb: input.ramMb,
      diskGb: input.diskGb,
      ephemeralGb: input.ephemeralGb ?? 0,
      swapMb: input.swapMb ?? 0,
      rxtxFactor: input.rxtxFactor ?? 1,
      isPublic: input.isPublic ?? true,
      disabled: false,
      description: input.description ?? null,
      createdAt: cc.now(),
    };
    tx.insert(cmpFlavors).values(row).run();
    // Nova gives a private flavor's creator's project access at once.
    if (!row.isPublic && ctx.auth?.projectId) tx.insert(cmpFlavorAccess).values({ flavorId: id, projectId: ctx.auth.projectId }).onConflictDoNothing().run();
    return toFlavor(row);
  });
}

/** Updates a flavor's description (2.55; the only mutable field). */
export function updateFlavor(cc: ComputeContext, ctx: RequestContext, id: string, description: string | null): Flavor {
  requireRule(ctx, 'os_compute_api:os-flavor-manage:update');
  getFlavor(cc, ctx, id);
  cc.db.update(cmpFlavors).set({ description }).where(eq(cmpFlavors.id, id)).run();
  return getFlavor(cc, ctx, id);
}

export function deleteFlavor(cc: ComputeContext, ctx: RequestContext, id: string): void {
  requireRule(ctx, 'os_compute_api:os-flavor-manage:delete');
  getFlavor(cc, ctx, id);
  cc.db.delete(cmpFlavors).where(eq(cmpFlavors.id, id)).run();
}

/** Sets extra specs (merging). */
export function setExtraSpecs(cc: ComputeContext, ctx: RequestContext, id: string, specs: Record<string, string>): Record<string, string> {
  requireRule(ctx, 'os_compute_api:os-flavor-extra-specs:create');
  getFlavor(cc, ctx, id);
  cc.db.transaction((tx) => {
    for (const [key, value] of Object.entries(specs)) {
      tx.insert(cmpFlavorExtraSpecs).values({ flavorId: id, key, value }).onConflictDoUpdate({ target: [cmpFlavorExtraSpecs.flavorId, cmpFlavorExtraSpecs.key], set: { value } }).run();
    }
  });
  return getFlavor(cc, ctx, id).extraSpecs;
}

export function deleteExtraSpec(cc: ComputeContext, ctx: RequestContext, id: string, key: string): void {
  requireRule(ctx, 'os_compute_api:os-flavor-extra-specs:create');
  const f = getFlavor(cc, ctx, id);
  if (!(key in f.extraSpecs)) throw errors.notFound('extra spec', key, `Flavor ${id} has no extra specs with key ${key}.`);
  cc.db.delete(cmpFlavorExtraSpecs).where(and(eq(cmpFlavorExtraSpecs.flavorId, id), eq(cmpFlavorExtraSpecs.key, key))).run();
}

/** Projects a private flavor is shared with (admin). Public flavors have none (Nova's 404). */
export function listFlavorAccess(cc: ComputeContext, ctx: RequestContext, id: string): string[] {
  requireRule(ctx, 'os_compute_api:os-flavor-access');
  const f = getFlavor(cc, ctx, id);
  if (f.isPublic) throw errors.notFound('flavor access', id, 'Access list not available for public flavors.');
  return cc.db
    .select()
    .from(cmpFlavorAccess)
    .where(eq(cmpFlavorAccess.flavorId, id))
    .all()
    .map((r) => r.projectId);
}

export function addFlavorAccess(cc: ComputeContext, ctx: RequestContext, id: string, projectId: string): string[] {
  requireRule(ctx, 'os_compute_api:os-flavor-access:add_tenant_access');
  const f = getFlavor(cc, ctx, id);
  if (f.isPublic) throw errors.conflict('flavor', 'Can not add access to a public flavor.');
  const existing = cc.db.select().from(cmpFlavorAccess).where(and(eq(cmpFlavorAccess.flavorId, id), eq(cmpFlavorAccess.projectId, projectId))).get();
  if (existing) throw errors.conflict('flavor access', `Flavor access already exists for flavor ${id} and project ${projectId} combination.`);
  cc.db.insert(cmpFlavorAccess).values({ flavorId: id, projectId }).run();
  return listFlavorAccess(cc, ctx, id);
}

export function removeFlavorAccess(cc: ComputeContext, ctx: RequestContext, id: string, projectId: string): string[] {
  requireRule(ctx, 'os_compute_api:os-flavor-access:add_tenant_access');
  getFlavor(cc, ctx, id);
  const n = cc.db.delete(cmpFlavorAccess).where(and(eq(cmpFlavorAccess.flavorId, id), eq(cmpFlavorAccess.projectId, projectId))).run().changes;
  if (!n) throw errors.notFound('flavor access', id, `Flavor access not found for ${id} / ${projectId} combination.`);
  return listFlavorAccess(cc, ctx, id);
}

/** Finds a flavor for boot/resize by its id (what `flavorRef` holds); a URL's last segment is the id. */
export function flavorForBoot(cc: ComputeContext, ctx: RequestContext, ref: string): Flavor {
  const id = ref.includes('/') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  try {
    return getFlavor(cc, ctx, id);
  } catch {
    throw errors.invalid(`Flavor ${ref} could not be found.`, { reason: 'flavor' });
  }
}
