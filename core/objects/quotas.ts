// Container and account quotas of the object store: set as metadata, enforced on every object write whichever face made it.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { isResellerAdmin } from './access.js';
import type { ObjectStatements } from './statements.js';
import type { MetadataUpdate } from './types.js';

/**
 * The metadata names that are quotas (the store's convention, which Swift's container_quotas and
 * account_quotas middlewares define): a container's `quota-bytes` and `quota-count`, an account's
 * `quota-bytes`. A value that is not a decimal integer is no quota, as in Swift.
 */
export const QUOTA_METADATA = { containerBytes: 'quota-bytes', containerCount: 'quota-count', accountBytes: 'quota-bytes' } as const;

export { RESELLER_ADMIN_ROLE } from './access.js';

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
  if (!isResellerAdmin(ctx)) {
    throw errors.forbidden('Only a reseller admin may set an account quota.');
  }
  if (setValue !== undefined && setValue !== '' && !/^\d+$/.test(setValue)) throw errors.invalid('Invalid quota.', { reason: 'InvalidArgument' });
}

/** A quota from stored metadata JSON text; the text is parsed only when it names a quota (most writes have none). */
function quotaIn(json: string | null, key: string): number | undefined {
  if (!json || !json.includes(`"${key}"`)) return undefined;
  return quotaOf(JSON.parse(json) as Record<string, string>, key);
}

/** A change of a container's content: its net bytes and objects, and the net bytes its account gains (default: `bytes`). */
export interface QuotaDelta {
  bytes: number;
  objects: number;
  /** The account's net growth when it differs from the container's (a write that also archives a version elsewhere in the account). */
  accountBytes?: number;
}

/**
 * QuotaExceeded ('Upload exceeds quota.') when changing a container's content by `delta` (net: a
 * replacement counts its size difference and no new object) would pass the container's or its
 * account's quota. Reads inside whatever transaction is open, so the check and the write are one step.
 * `applied`: the counters already include the change (checked at the end of a write's transaction,
 * when every container it touched has its final counters). A change that grows nothing always passes,
 * even over quota. Counters count current objects only: noncurrent S3 versions are not counted,
 * as Swift's container quotas count the objects listed in the container.
 */
export function checkQuota(stmts: Pick<ObjectStatements, 'quotaUsage' | 'projectBytes'>, containerId: string, delta: QuotaDelta, opts: { applied?: boolean } = {}): void {
  const accountBytes = delta.accountBytes ?? delta.bytes;
  if (delta.bytes <= 0 && delta.objects <= 0 && accountBytes <= 0) return;
  const c = stmts.quotaUsage(containerId);
  if (!c) return;
  const pending = opts.applied ? { bytes: 0, objects: 0, account: 0 } : { bytes: delta.bytes, objects: delta.objects, account: accountBytes };
  const bytesQuota = quotaIn(c.metadata, QUOTA_METADATA.containerBytes);
  if (bytesQuota !== undefined && delta.bytes > 0 && c.bytesUsed + pending.bytes > bytesQuota) throw exceeded();
  const countQuota = quotaIn(c.metadata, QUOTA_METADATA.containerCount);
  if (countQuota !== undefined && delta.objects > 0 && c.objectCount + pending.objects > countQuota) throw exceeded();
  if (accountBytes <= 0) return;
  const accountQuota = quotaIn(c.accountMetadata, QUOTA_METADATA.accountBytes);
  if (accountQuota !== undefined && stmts.projectBytes(c.projectId) + pending.account > accountQuota) throw exceeded();
}
