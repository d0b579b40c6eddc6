// Bucket lifecycle on the S3 face: the model-bound LifecycleConfiguration translated to core's rules and back.
import { randomBytes } from 'node:crypto';
import type { LifecycleFilter, LifecycleRule, LifecycleUnsupported } from '../../../../core/objects/lifecycle.js';
import { s3Error } from '../errors.js';
import type { S3Handler } from '../handler-types.js';

interface WireTag {
  Key?: string;
  Value?: string;
}
interface WireFilter {
  Prefix?: string;
  Tag?: WireTag;
  ObjectSizeGreaterThan?: number;
  ObjectSizeLessThan?: number;
  And?: { Prefix?: string; Tags?: WireTag[]; ObjectSizeGreaterThan?: number; ObjectSizeLessThan?: number };
}
interface WireRule {
  ID?: string;
  Status?: string;
  Prefix?: string;
  Filter?: WireFilter;
  Expiration?: { Date?: Date; Days?: number; ExpiredObjectDeleteMarker?: boolean };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
  Transitions?: unknown[];
  NoncurrentVersionTransitions?: unknown[];
  NoncurrentVersionExpiration?: unknown;
}

const tagList = (tags: WireTag[] | undefined) => (tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));

/** The filter of a wire rule and how it was written; MalformedXML for the combinations S3 refuses. */
function filterOf(r: WireRule): { form: LifecycleRule['form']; filter: LifecycleFilter } {
  if (r.Prefix !== undefined && r.Filter !== undefined) throw s3Error('MalformedXML');
  if (r.Filter === undefined) {
    if (r.Prefix === undefined) throw s3Error('MalformedXML');
    return { form: 'prefix', filter: { prefix: r.Prefix, tags: [] } };
  }
  const f = r.Filter;
  const given = ['Prefix', 'Tag', 'And', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'].filter((k) => f[k as keyof WireFilter] !== undefined);
  if (given.length > 1) throw s3Error('MalformedXML');
  if (f.And) {
    return {
      form: 'filter-and',
      filter: { prefix: f.And.Prefix ?? '', tags: tagList(f.And.Tags), sizeGreaterThan: f.And.ObjectSizeGreaterThan, sizeLessThan: f.And.ObjectSizeLessThan },
    };
  }
  if (f.Tag) return { form: 'filter-tag', filter: { prefix: '', tags: tagList([f.Tag]) } };
  if (f.ObjectSizeGreaterThan !== undefined || f.ObjectSizeLessThan !== undefined) {
    return { form: 'filter-size', filter: { prefix: '', tags: [], sizeGreaterThan: f.ObjectSizeGreaterThan, sizeLessThan: f.ObjectSizeLessThan } };
  }
  if (f.Prefix !== undefined) return { form: 'filter-prefix', filter: { prefix: f.Prefix, tags: [] } };
  return { form: 'filter-empty', filter: { prefix: '', tags: [] } };
}

/**
 * PutBucketLifecycleConfiguration: Expiration (Days or Date) and AbortIncompleteMultipartUpload rules
 * filtered by Prefix, Tag, object size or And; transitions and noncurrent-version actions answer
 * NotImplemented (no storage classes, no versioning yet). A rule without an ID gets a random one, as in S3.
 */
export const putBucketLifecycleConfiguration: S3Handler = async (call) => {
  const cfg = call.input.LifecycleConfiguration as { Rules?: WireRule[] } | undefined;
  if (!cfg?.Rules?.length) throw s3Error('MalformedXML');
  const unsupported: LifecycleUnsupported[] = [];
  const rules: LifecycleRule[] = cfg.Rules.map((r) => {
    if (r.Status !== 'Enabled' && r.Status !== 'Disabled') throw s3Error('MalformedXML');
    unsupported.push({
      transitions: !!r.Transitions?.length,
      noncurrentVersionActions: !!r.NoncurrentVersionTransitions?.length || r.NoncurrentVersionExpiration !== undefined,
      expiredObjectDeleteMarker: r.Expiration?.ExpiredObjectDeleteMarker !== undefined,
    });
    const { form, filter } = filterOf(r);
    const e = r.Expiration;
    const expiration = e && (e.Days !== undefined || e.Date !== undefined) ? { days: e.Days, date: e.Date?.getTime() } : undefined;
    if (e && !expiration && e.ExpiredObjectDeleteMarker === undefined) throw s3Error('MalformedXML');
    return {
      id: r.ID ?? randomBytes(24).toString('base64url'),
      enabled: r.Status === 'Enabled',
      form,
      filter,
      expiration,
      abortIncompleteAfterDays: r.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
    };
  });
  await call.deps.objects.putBucketConfig(call.ctx, { container: call.bucket }, 'lifecycle', rules, { lifecycleUnsupported: unsupported });
  return {};
};

function wireFilter(r: LifecycleRule): Pick<WireRule, 'Prefix' | 'Filter'> {
  const f = r.filter;
  const tags = f.tags.map((t) => ({ Key: t.key, Value: t.value }));
  switch (r.form) {
    case 'prefix':
      return { Prefix: f.prefix };
    case 'filter-prefix':
      return { Filter: { Prefix: f.prefix } };
    case 'filter-tag':
      return { Filter: { Tag: tags[0] } };
    case 'filter-size':
      return { Filter: { ObjectSizeGreaterThan: f.sizeGreaterThan, ObjectSizeLessThan: f.sizeLessThan } };
    case 'filter-and':
      return { Filter: { And: { Prefix: f.prefix || undefined, Tags: tags.length ? tags : undefined, ObjectSizeGreaterThan: f.sizeGreaterThan, ObjectSizeLessThan: f.sizeLessThan } } };
    default:
      return { Filter: {} };
  }
}

/** GetBucketLifecycleConfiguration: the rules as set; 404 NoSuchLifecycleConfiguration without any. */
export const getBucketLifecycleConfiguration: S3Handler = async (call) => {
  const rules = await call.deps.objects.getBucketConfig(call.ctx, { container: call.bucket }, 'lifecycle');
  return {
    output: {
      Rules: rules.map((r) => ({
        ID: r.id,
        ...wireFilter(r),
        Status: r.enabled ? 'Enabled' : 'Disabled',
        Expiration: r.expiration ? { Days: r.expiration.days, Date: r.expiration.date !== undefined ? new Date(r.expiration.date) : undefined } : undefined,
        AbortIncompleteMultipartUpload: r.abortIncompleteAfterDays !== undefined ? { DaysAfterInitiation: r.abortIncompleteAfterDays } : undefined,
      })),
    },
  };
};

/** DeleteBucketLifecycle: 204 whether or not there were rules. */
export const deleteBucketLifecycle: S3Handler = async (call) => {
  await call.deps.objects.deleteBucketConfig(call.ctx, { container: call.bucket }, 'lifecycle');
  return { status: 204 };
};
