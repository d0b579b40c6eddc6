// Bucket versioning operations: PutBucketVersioning, GetBucketVersioning and ListObjectVersions (versions and delete markers).
import type { VersionSummary } from '../../../../core/objects/types.js';
import { uriEncode } from '../../common/sigv4.js';
import { s3Error } from '../errors.js';
import type { S3Call, S3Result } from '../handler-types.js';
import { intParam, quote } from '../wire.js';

/** GET /bucket?versioning — the Status element is absent for a bucket whose versioning was never set. */
export async function getBucketVersioning(call: S3Call): Promise<S3Result> {
  const info = await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
  return { output: { Status: info.versioning } };
}

/** PUT /bucket?versioning — Enabled or Suspended (MFADelete is refused earlier, in protection.ts). */
export async function putBucketVersioning(call: S3Call): Promise<S3Result> {
  const conf = call.input.VersioningConfiguration as { Status?: string } | undefined;
  if (!conf) throw s3Error('MalformedXML');
  const status = conf.Status;
  if (status !== 'Enabled' && status !== 'Suspended') throw s3Error('MalformedXML');
  const info = await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
  // Suspending a bucket that was never versioned changes nothing S3 shows (GetBucketVersioning stays empty).
  if (status === 'Suspended' && !info.versioning) return { output: {} };
  await call.deps.objects.updateContainer(call.ctx, { container: call.bucket }, { versioning: status });
  return { output: {} };
}

/** GET /bucket?versions — versions and delete markers by key, newest first; key-marker / version-id-marker paging. */
export async function listObjectVersions(call: S3Call): Promise<S3Result> {
  const t = call.query.get('encoding-type');
  if (t !== null && t !== '' && t !== 'url') throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: t });
  const enc = (s: string | undefined) => (s === undefined || t !== 'url' ? s : uriEncode(s, true));
  const max = intParam(call.query.get('max-keys'), 'max-keys', 0, 2147483647) ?? 1000;
  const keyMarker = call.query.get('key-marker') ?? '';
  const versionIdMarker = call.query.get('version-id-marker') ?? undefined;
  if (versionIdMarker !== undefined && !keyMarker) {
    throw s3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker', ArgumentValue: versionIdMarker });
  }
  const prefix = call.query.get('prefix') ?? '';
  const delimiter = call.query.get('delimiter') || undefined;
  const r = await call.deps.objects.listObjectVersions(call.ctx, { container: call.bucket }, {
    prefix: prefix || undefined,
    delimiter,
    keyMarker: keyMarker || undefined,
    versionIdMarker: versionIdMarker || undefined,
    limit: Math.min(max, 1000),
  });
  const owner = (v: VersionSummary) => ({ ID: v.ownerProjectId, DisplayName: r.ownerNames[v.ownerProjectId] ?? v.ownerProjectId });
  const versions: VersionSummary[] = [];
  const markers: VersionSummary[] = [];
  const prefixes: string[] = [];
  for (const e of r.entries) {
    if (e.type === 'prefix') prefixes.push(e.prefix);
    else (e.type === 'deleteMarker' ? markers : versions).push(e);
  }
  return {
    output: {
      Name: call.bucket,
      Prefix: enc(prefix),
      KeyMarker: enc(keyMarker),
      VersionIdMarker: versionIdMarker ?? '',
      NextKeyMarker: enc(r.nextKeyMarker),
      NextVersionIdMarker: r.nextVersionIdMarker,
      MaxKeys: max,
      Delimiter: enc(delimiter),
      IsTruncated: r.isTruncated,
      EncodingType: t === 'url' ? 'url' : undefined,
      Versions: versions.map((v) => ({
        Key: enc(v.name),
        VersionId: v.versionId,
        IsLatest: v.isLatest,
        LastModified: new Date(v.lastModified),
        ETag: quote(v.etag),
        Size: v.size,
        StorageClass: 'STANDARD',
        Owner: owner(v),
      })),
      DeleteMarkers: markers.map((m) => ({ Key: enc(m.name), VersionId: m.versionId, IsLatest: m.isLatest, LastModified: new Date(m.lastModified), Owner: owner(m) })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    },
  };
}

/** What the compat matrix says about the versioning operations. */
export const versionNotes: Readonly<Record<string, string>> = {
  PutBucketVersioning:
    'Status Enabled or Suspended (any other value: MalformedXML); MFADelete Enabled → 501 NotImplemented, Disabled accepted; Suspended on a never-versioned bucket changes nothing (GetBucketVersioning stays empty); refused on a container that has Swift X-Versions-Location / X-History-Location',
  GetBucketVersioning: 'Status Enabled or Suspended; absent for a bucket whose versioning was never set; MFADelete never returned',
  ListObjectVersions: 'versions and delete markers, key-marker / version-id-marker paging',
};
