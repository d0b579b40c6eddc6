// Generates trimmed AWS protocol shapes (S3 rest-xml, later EC2 query) from the published models in the aws-sdk v2 package.
//
// Usage: tsx scripts/gen-aws-shapes.ts [s3|ec2] [--check]
// The runtime reads only the committed JSON; aws-sdk is a devDependency and merely the source of the model.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/** A member or shape of the published model, as far as the protocol layer cares. */
interface ModelShape {
  shape?: string;
  type?: string;
  members?: Record<string, ModelShape>;
  member?: ModelShape;
  key?: ModelShape;
  value?: ModelShape;
  required?: string[];
  location?: string;
  locationName?: string;
  queryName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { uri: string; prefix?: string };
  payload?: string;
  streaming?: boolean;
  timestampFormat?: string;
  [k: string]: unknown;
}

interface ModelOperation {
  http: { method?: string; requestUri?: string; responseCode?: number };
  input?: ModelShape;
  output?: ModelShape;
  errors?: ModelShape[];
  httpChecksum?: { requestChecksumRequired?: boolean; requestAlgorithmMember?: string };
}

interface Model {
  metadata: Record<string, unknown>;
  operations: Record<string, ModelOperation>;
  shapes: Record<string, ModelShape>;
}

/** One service to generate: which model, which operations get full shapes, and facts the model lacks. */
interface Target {
  model: string;
  out: string;
  /** Operations whose input/output shapes are emitted (every operation still gets its http line). */
  implemented: string[];
  /**
   * Root element names of XML output documents. The JSON model omits the Smithy `@xmlName` trait of output
   * structures; these names come from the S3 API reference ("Response Syntax" of each operation).
   */
  outputRoots?: Record<string, string>;
  /** The XML namespace of response documents (not in the JSON model's metadata). */
  xmlNamespace: string;
  /** Adds members the service gained after the packaged model was last updated. */
  patch?: (shapes: Record<string, ModelShape>) => void;
}

const s3Implemented = [
  'ListBuckets', 'CreateBucket', 'HeadBucket', 'DeleteBucket', 'GetBucketLocation', 'ListObjects', 'ListObjectsV2',
  'ListObjectVersions', 'PutObject', 'GetObject', 'HeadObject', 'DeleteObject', 'DeleteObjects', 'CopyObject',
  'GetObjectAttributes', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload',
  'AbortMultipartUpload', 'ListParts', 'ListMultipartUploads', 'PutObjectTagging', 'GetObjectTagging',
  'DeleteObjectTagging', 'PutBucketTagging', 'GetBucketTagging', 'DeleteBucketTagging', 'GetBucketAcl', 'PutBucketAcl',
  'GetObjectAcl', 'PutObjectAcl', 'GetBucketVersioning', 'PutBucketVersioning', 'GetBucketLogging',
  'GetBucketRequestPayment', 'GetBucketAccelerateConfiguration', 'GetBucketEncryption', 'PutBucketEncryption',
  'DeleteBucketEncryption',
  'GetBucketRequestPayment', 'GetBucketAccelerateConfiguration', 'GetBucketCors', 'PutBucketCors', 'DeleteBucketCors',
  'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketLifecycleConfiguration',
  'PutBucketLifecycleConfiguration', 'DeleteBucketLifecycle', 'GetPublicAccessBlock', 'PutPublicAccessBlock',
  'DeletePublicAccessBlock', 'PutBucketRequestPayment', 'PutBucketAccelerateConfiguration', 'PutBucketLogging',
];

/** Follows `A.B.C` through members, named shapes and list members to a structure of the trimmed document. */
function structureAt(shapes: Record<string, ModelShape>, path: string): ModelShape {
  const [root, ...rest] = path.split('.');
  const deref = (s: ModelShape): ModelShape => {
    const named = s.shape ? shapes[s.shape]! : s;
    return named.type === 'list' ? deref(named.member!) : named;
  };
  let s = deref(shapes[root!]!);
  for (const name of rest) s = deref(s.members![name]!);
  if (s.type !== 'structure') throw new Error(`${path} is not a structure`);
  return s;
}

/**
 * The aws-sdk v2 model predates S3's CRC64NVME checksums and checksum types (December 2024). These members
 * are added as the current S3 API reference lists them: every checksum set gains ChecksumCRC64NVME beside
 * ChecksumCRC32C (header `x-amz-checksum-crc64nvme` where the others are headers), and ChecksumType
 * (header `x-amz-checksum-type` or element) where S3 reports or accepts the checksum type.
 */
function patchS3(shapes: Record<string, ModelShape>): void {
  const seen = new Set<ModelShape>();
  const visit = (s: ModelShape | undefined): void => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    if (s.shape) visit(shapes[s.shape]);
    visit(s.member);
    visit(s.value);
    const m = s.members;
    if (!m) return;
    for (const v of Object.values(m)) visit(v);
    if (m.ChecksumCRC32C && !m.ChecksumCRC64NVME) {
      const like = m.ChecksumCRC32C;
      const added: ModelShape = like.location === 'header' ? { location: 'header', locationName: 'x-amz-checksum-crc64nvme' } : {};
      s.members = Object.fromEntries(Object.entries(m).flatMap(([k, v]) => (k === 'ChecksumCRC32C' ? [[k, v], ['ChecksumCRC64NVME', added]] : [[k, v]])));
    }
  };
  for (const s of Object.values(shapes)) visit(s);
  const header: ModelShape = { location: 'header', locationName: 'x-amz-checksum-type' };
  const types: Record<string, ModelShape> = {
    PutObjectOutput: header,
    GetObjectOutput: header,
    HeadObjectOutput: header,
    CreateMultipartUploadRequest: header,
    CreateMultipartUploadOutput: header,
    CompleteMultipartUploadRequest: header,
    CompleteMultipartUploadOutput: {},
    ListPartsOutput: {},
    'ListMultipartUploadsOutput.Uploads': {},
    'CopyObjectOutput.CopyObjectResult': {},
    'GetObjectAttributesOutput.Checksum': {},
    'ListObjectsV2Output.Contents': {},
    'ListObjectVersionsOutput.Versions': {},
  };
  for (const [path, member] of Object.entries(types)) {
    const s = structureAt(shapes, path);
    s.members = { ...s.members, ChecksumType: { ...member } };
  }
  // DeleteObjects gained per-object conditions (2024-25): parsed so that they are honoured or refused, never dropped.
  const ident = structureAt(shapes, 'DeleteObjectsRequest.Delete.Objects');
  ident.members = { ...ident.members, ETag: {}, LastModifiedTime: { type: 'timestamp' }, Size: { type: 'long' } };
  // Part checksums of algorithms added in 2025: parsed so that CompleteMultipartUpload can refuse them, never drop them.
  const part = structureAt(shapes, 'CompleteMultipartUploadRequest.MultipartUpload.Parts');
  part.members = { ...part.members, ChecksumSHA512: {}, ChecksumMD5: {}, ChecksumXXHASH64: {}, ChecksumXXHASH3: {}, ChecksumXXHASH128: {} };
  // CreateBucket tags (2025), a TagSet like PutBucketTagging's.
  const conf = structureAt(shapes, 'CreateBucketRequest.CreateBucketConfiguration');
  const tagSet = structureAt(shapes, 'PutBucketTaggingRequest.Tagging').members!.TagSet!;
  conf.members = { ...conf.members, Tags: { ...tagSet } };
}

const targets: Record<string, Target> = {
  s3: {
    model: 'aws-sdk/apis/s3-2006-03-01.min.json',
    out: 'compat/ec2-s3/common/generated/s3-shapes.json',
    implemented: s3Implemented,
    xmlNamespace: 'http://s3.amazonaws.com/doc/2006-03-01/',
    patch: patchS3,
    outputRoots: {
      ListBuckets: 'ListAllMyBucketsResult',
      ListObjects: 'ListBucketResult',
      ListObjectsV2: 'ListBucketResult',
      ListObjectVersions: 'ListVersionsResult',
      CreateMultipartUpload: 'InitiateMultipartUploadResult',
      CompleteMultipartUpload: 'CompleteMultipartUploadResult',
      ListParts: 'ListPartsResult',
      ListMultipartUploads: 'ListMultipartUploadsResult',
      DeleteObjects: 'DeleteResult',
      GetBucketLocation: 'LocationConstraint',
      GetBucketVersioning: 'VersioningConfiguration',
      GetBucketAcl: 'AccessControlPolicy',
      GetObjectAcl: 'AccessControlPolicy',
      GetObjectTagging: 'Tagging',
      GetBucketTagging: 'Tagging',
      GetObjectAttributes: 'GetObjectAttributesResponse',
      GetBucketLogging: 'BucketLoggingStatus',
      GetBucketRequestPayment: 'RequestPaymentConfiguration',
      GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
      GetBucketEncryption: 'ServerSideEncryptionConfiguration',
      GetBucketCors: 'CORSConfiguration',
      GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
    },
  },
  ec2: {
    model: 'aws-sdk/apis/ec2-2016-11-15.min.json',
    out: 'compat/ec2-s3/common/generated/ec2-shapes.json',
    implemented: [],
    xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  },
};

/** Keys of a shape kept in the trimmed output; the rest (docs, endpoint rules, context params) is dropped. */
const keep = new Set([
  'type', 'required', 'location', 'locationName', 'queryName', 'flattened', 'xmlAttribute', 'xmlNamespace', 'payload',
  'streaming', 'timestampFormat', 'shape', 'members', 'member', 'key', 'value', 'exception', 'error', 'jsonvalue',
]);

/** Copies a shape, hoisting referenced named shapes into `out` and dropping keys the protocol layer does not use. */
function trim(s: ModelShape, model: Model, out: Record<string, ModelShape>): ModelShape {
  const r: ModelShape = {};
  for (const [k, v] of Object.entries(s)) {
    if (!keep.has(k)) continue;
    if (k === 'members') {
      r.members = Object.fromEntries(Object.entries(v as Record<string, ModelShape>).map(([n, m]) => [n, trim(m, model, out)]));
    } else if (k === 'member' || k === 'key' || k === 'value') {
      r[k] = trim(v as ModelShape, model, out);
    } else r[k] = v;
  }
  if (s.shape && !(s.shape in out)) {
    out[s.shape] = {};
    out[s.shape] = trim(model.shapes[s.shape]!, model, out);
  }
  return r;
}

/** Builds the trimmed document for one target. */
export function generate(t: Target): unknown {
  const model = require(t.model) as Model;
  const shapes: Record<string, ModelShape> = {};
  const operations: Record<string, unknown> = {};
  const impl = new Set(t.implemented);
  for (const [name, op] of Object.entries(model.operations).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const row: Record<string, unknown> = {
      method: op.http.method ?? 'POST',
      requestUri: op.http.requestUri ?? '/',
      implemented: impl.has(name),
    };
    if (op.http.responseCode) row.responseCode = op.http.responseCode;
    if (op.httpChecksum?.requestChecksumRequired) row.checksumRequired = true;
    if (impl.has(name)) {
      // The min model inlines operation inputs/outputs; name them so serializers can refer to them.
      if (op.input) {
        shapes[`${name}Request`] = trim(op.input, model, shapes);
        row.input = `${name}Request`;
      }
      if (op.output) {
        shapes[`${name}Output`] = trim(op.output, model, shapes);
        row.output = `${name}Output`;
      }
      if (t.outputRoots?.[name]) row.outputRoot = t.outputRoots[name];
      if (op.errors?.length) row.errors = op.errors.map((e) => e.shape);
      for (const e of op.errors ?? []) trim(e, model, shapes);
    }
    operations[name] = row;
  }
  t.patch?.(shapes);
  const sortedShapes = Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    source: t.model.replace(/^aws-sdk\//, ''),
    metadata: {
      apiVersion: model.metadata.apiVersion,
      protocol: model.metadata.protocol,
      xmlNamespace: t.xmlNamespace,
    },
    operations,
    shapes: sortedShapes,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const which = args.filter((a) => !a.startsWith('--'));
  let stale = false;
  for (const name of which.length ? which : ['s3']) {
    const t = targets[name];
    if (!t) throw new Error(`unknown target ${name}; known: ${Object.keys(targets).join(', ')}`);
    const text = `${JSON.stringify(generate(t), null, 1)}\n`;
    const path = join(root, t.out);
    if (check) {
      let old = '';
      try {
        old = readFileSync(path, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (old !== text) {
        process.stderr.write(`${t.out} is stale; run: tsx scripts/gen-aws-shapes.ts ${name}\n`);
        stale = true;
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      process.stdout.write(`wrote ${t.out}\n`);
    }
  }
  if (stale) process.exit(1);
}

main();
