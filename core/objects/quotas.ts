// Container and account quotas of the object store: set as metadata, enforced on every object write whichever face made it.
import { eq, sql } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { objAccounts, objContainers } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import type { MetadataUpdate } from './types.js';

/**
 * The metadata names that are quotas (the store's convention, which Swift's container_quotas and
 * account_quotas middlewares define): a container's `quota-bytes` and `quota-count`, an account's
 * `quota-bytes`. A value that is not a decimal integer is no quota, as in Swift.
 */
export const QUOTA_METADATA = { containerBytes: 'quota-bytes', containerCount: 'quota-count', accountBytes: 'quota-bytes' } as const;

/** The role that may set an account's quota (Swift keystoneauth's `reseller_admin_role`). */
export const RESELLER_ADMIN_ROLE = 'ResellerAdmin';

const quotaOf = (meta: Record<string, string> | undefined, key: string): number | undefined => {
  const v = meta?.[key];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

const exceeded = () => errors.quota('Upload exceeds quota.', { reason: 'QuotaExceeded' });

/** Invalid ('Invalid bytes quota.' / 'Invalid count quota.') when a container update sets a quota that is not an integer. */
export function validateContainerQuota(set: Record<string, string> | undefined): void {
  for (const [key, what] of [
    [QUOTA_METADATA.containerBytes, 'bytes'],
    [QUOTA_METADATA.containerCount, 'count'],
  ] as const) {
    const v = Object.entries(set ?? {}).find(([k]) => k.toLowerCase() === key)?.[1];
    if (v !== undefined && v !== '' && !/^\d+$/.test(v)) throw errors.invalid(`Invalid ${what} quota.`, { reason: 'InvalidArgument' });
  }
}

/**
 * An account metadata update that sets or removes the account quota needs the reseller admin role
 * (Forbidden otherwise, as Swift's account_quotas answers 403); a value must be an integer.
 */
export function authorizeAccountQuota(ctx: RequestContext, update: MetadataUpdate): void {
  const key = QUOTA_METADATA.accountBytes;
  const setValue = Object.entries(update.set ?? {}).find(([k]) => k.toLowerCase() === key)?.[1];
  const touched = setValue !== undefined || (update.remove ?? []).some((k) => k.toLowerCase() === key);
  if (!touched) return;
  if (!ctx.auth?.roles.some((r) => r.toLowerCase() === RESELLER_ADMIN_ROLE.toLowerCase())) {
    throw errors.forbidden('Only a reseller admin may set an account quota.');
  }
  if (setValue !== undefined && setValue !== '' && !/^\d+$/.test(setValue)) throw errors.invalid('Invalid quota.', { reason: 'InvalidArgument' });
}

/**
 * QuotaExceeded ('Upload exceeds quota.') when changing a container's content by `bytes` and `objects`
 * (net: a replacement counts its size difference and no new object) would pass the container's or its
 * account's quota. Reads inside whatever transaction is open, so the check and the write are one step.
 * A change that shrinks usage is always allowed, even over quota.
 */
export function checkQuota(db: DbOrTx, containerId: string, delta: { bytes: number; objects: number }): void {
  if (delta.bytes <= 0 && delta.objects <= 0) return;
  const c = db
    .select({ projectId: objContainers.projectId, metadata: objContainers.metadata, objectCount: objContainers.objectCount, bytesUsed: objContainers.bytesUsed })
    .from(objContainers)
    .where(eq(objContainers.id, containerId))
    .get();
  if (!c) return;
  const bytesQuota = quotaOf(c.metadata, QUOTA_METADATA.containerBytes);
  if (bytesQuota !== undefined && delta.bytes > 0 && c.bytesUsed + delta.bytes > bytesQuota) throw exceeded();
  const countQuota = quotaOf(c.metadata, QUOTA_METADATA.containerCount);
  if (countQuota !== undefined && delta.objects > 0 && c.objectCount + delta.objects > countQuota) throw exceeded();
  if (delta.bytes <= 0) return;
  const acct = db.select({ metadata: objAccounts.metadata }).from(objAccounts).where(eq(objAccounts.projectId, c.projectId)).get();
  const accountQuota = quotaOf(acct?.metadata, QUOTA_METADATA.accountBytes);
  if (accountQuota === undefined) return;
  const used = db
    .select({ bytes: sql<number>`coalesce(sum(${objContainers.bytesUsed}), 0)` })
    .from(objContainers)
    .where(eq(objContainers.projectId, c.projectId))
    .get();
  if (Number(used?.bytes ?? 0) + delta.bytes > accountQuota) throw exceeded();
}
