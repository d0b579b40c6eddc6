// Listing operations: ListObjects (v1) and ListObjectsV2 (current versions only; ListObjectVersions is in versions.ts).
import type { ListingEntry, ObjectListing, ObjectSummary } from '../../../../core/objects/types.js';
import { uriEncode } from '../../common/sigv4.js';
import { s3Error } from '../errors.js';
import type { S3Call } from '../handler-types.js';
import { intParam, quote } from '../wire.js';

type Enc = (s: string | undefined) => string | undefined;

/**
 * encoding-type: only `url` exists; the key-bearing fields S3 encodes are then percent-encoded (slashes
 * kept). Which fields, per listing (AWS's EncodingType docs): V1 Delimiter, Marker, NextMarker, Key and
 * CommonPrefixes (not Prefix); V2 Delimiter, Prefix, StartAfter, Key and CommonPrefixes (not the
 * continuation tokens); versions KeyMarker, NextKeyMarker, Prefix, Delimiter, Key and CommonPrefixes.
 */
function encoder(call: S3Call): { enc: Enc; type?: string } {
  const t = call.query.get('encoding-type');
  if (t === null || t === '') return { enc: (s) => s };
  if (t !== 'url') throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: t });
  return { enc: (s) => (s === undefined ? s : uriEncode(s, true)), type: 'url' };
}

function maxKeys(call: S3Call): number {
  return intParam(call.query.get('max-keys'), 'max-keys', 0, 2147483647) ?? 1000;
}

/** One page from core (with the owners' names when `owners`); max-keys 0 answers an empty, untruncated page as S3 does. */
async function page(call: S3Call, marker: string | undefined, max: number, owners: boolean): Promise<ObjectListing> {
  if (max === 0) {
    await call.deps.objects.headContainer(call.ctx, { container: call.bucket });
    return { entries: [], isTruncated: false };
  }
  return call.deps.objects.listObjects(call.ctx, { container: call.bucket }, {
    prefix: call.query.get('prefix') ?? undefined,
    delimiter: call.query.get('delimiter') || undefined,
    marker: marker || undefined,
    limit: Math.min(max, 1000),
    resolveDynamicManifests: true,
    withOwnerNames: owners,
  });
}

function split(entries: ListingEntry[]): { objects: ObjectSummary[]; prefixes: string[] } {
  const objects: ObjectSummary[] = [];
  const prefixes: string[] = [];
  for (const e of entries) {
    if (e.type === 'prefix') prefixes.push(e.prefix);
    else objects.push(e);
  }
  return { objects, prefixes };
}

/** The S3 Owner of a listed object: its owning project (canonical id) and that project's name. */
function ownerOf(o: ObjectSummary, r: ObjectListing): { ID: string; DisplayName: string } {
  return { ID: o.ownerProjectId, DisplayName: r.ownerNames?.[o.ownerProjectId] ?? o.ownerProjectId };
}

function contents(objects: ObjectSummary[], enc: Enc, r: ObjectListing, withOwner: boolean) {
  return objects.map((o) => ({ Key: enc(o.name), LastModified: new Date(o.lastModified), ETag: quote(o.etag), Size: o.size, StorageClass: 'STANDARD', Owner: withOwner ? ownerOf(o, r) : undefined }));
}

/** GET /bucket — ListObjects v1 (marker / NextMarker; Owner always shown). */
export async function listObjects(call: S3Call) {
  const { enc, type } = encoder(call);
  const max = maxKeys(call);
  const marker = call.query.get('marker') ?? '';
  const r = await page(call, marker, max, true);
  const { objects, prefixes } = split(r.entries);
  const delimiter = call.query.get('delimiter') || undefined;
  return {
    output: {
      Name: call.bucket,
      // V1 is the one listing whose Prefix S3 returns as sent (botocore decodes only Delimiter, Marker, NextMarker, Key and CommonPrefixes).
      Prefix: call.query.get('prefix') ?? '',
      Marker: enc(marker),
      NextMarker: r.isTruncated && delimiter ? enc(r.nextMarker) : undefined,
      MaxKeys: max,
      Delimiter: enc(delimiter),
      IsTruncated: r.isTruncated,
      EncodingType: type,
      Contents: contents(objects, enc, r, true),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    },
  };
}

const token = {
  encode: (marker: string) => Buffer.from(marker, 'utf8').toString('base64url'),
  decode: (t: string) => {
    const s = Buffer.from(t, 'base64url').toString('utf8');
    if (Buffer.from(s, 'utf8').toString('base64url') !== t.replace(/=+$/, '')) {
      throw s3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    }
    return s;
  },
};

/** GET /bucket?list-type=2 — continuation tokens are the opaque base64 of the next marker. */
export async function listObjectsV2(call: S3Call) {
  const { enc, type } = encoder(call);
  const max = maxKeys(call);
  const cont = call.query.get('continuation-token');
  const startAfter = call.query.get('start-after') ?? undefined;
  const marker = cont !== null ? token.decode(cont) : startAfter;
  const fetchOwner = call.query.get('fetch-owner') === 'true';
  const r = await page(call, marker, max, fetchOwner);
  const { objects, prefixes } = split(r.entries);
  return {
    output: {
      Name: call.bucket,
      Prefix: enc(call.query.get('prefix') ?? ''),
      Delimiter: enc(call.query.get('delimiter') || undefined),
      MaxKeys: max,
      KeyCount: objects.length + prefixes.length,
      IsTruncated: r.isTruncated,
      ContinuationToken: cont ?? undefined,
      NextContinuationToken: r.isTruncated && r.nextMarker ? token.encode(r.nextMarker) : undefined,
      StartAfter: enc(startAfter),
      EncodingType: type,
      Contents: contents(objects, enc, r, fetchOwner),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    },
  };
}
