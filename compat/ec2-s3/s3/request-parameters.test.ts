// Every request parameter of every implemented S3 operation has a verdict (honoured, refused or meaningless) in one of the two tables, so no model member can be silently ignored.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import shapes from '../common/generated/s3-shapes.json' with { type: 'json' };
import { S3_HANDLERS } from './app.js';
import { PROTECTION_RULES } from './protection.js';
import { PARAMETER_RULES, refuseUnhonouredParameters } from './request-parameters.js';

interface Member {
  location?: string;
  locationName?: string;
  streaming?: boolean;
  type?: string;
}
interface Shape {
  members?: Record<string, Member>;
  payload?: string;
}
const doc = shapes as unknown as { operations: Record<string, { input?: string }>; shapes: Record<string, Shape> };
const rules = [...PROTECTION_RULES, ...PARAMETER_RULES];
const implemented = Object.keys(S3_HANDLERS).filter((op) => doc.operations[op]?.input);

/** The table's name for a model member: header, `?query`, `{label}`, `x-amz-meta-*`, `<Payload>` or `body`. */
function wireName(shape: Shape, name: string, m: Member): string {
  switch (m.location) {
    case 'uri':
      return `{${m.locationName}}`;
    case 'querystring':
      return `?${m.locationName}`;
    case 'header':
      return m.locationName!.toLowerCase();
    case 'headers':
      return `${m.locationName!.toLowerCase()}*`;
  }
  if (shape.payload === name) return m.streaming || m.type === 'blob' || m.locationName === undefined ? 'body' : `<${m.locationName}>`;
  return `unbound member ${name}`;
}

function covered(param: string, operation: string): boolean {
  return rules.some((r) => r.param.toLowerCase() === param.toLowerCase() && (r.operations[0] === '*' || r.operations.includes(operation)));
}

describe('S3 request parameter coverage', () => {
  it('every input member of every implemented operation has a row', () => {
    const missing: string[] = [];
    for (const op of implemented) {
      const shape = doc.shapes[doc.operations[op]!.input!]!;
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        const param = wireName(shape, name, m);
        if (!covered(param, op)) missing.push(`${op}.${name} (${param})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every header and query parameter the current @aws-sdk/client-s3 sends for an implemented operation has a row (members newer than our model)', () => {
    // The SDK's schema for an input: [type, namespace, name, traits, memberNames, memberSchemas]; a member's traits carry its wire binding.
    const sdk = createRequire(import.meta.url)('@aws-sdk/client-s3') as Record<string, unknown>;
    const missing: string[] = [];
    for (const op of implemented) {
      const schema = sdk[`${doc.operations[op]!.input!}$`] as unknown[] | undefined;
      expect(schema, `@aws-sdk/client-s3 exports ${doc.operations[op]!.input}$`).toBeDefined();
      const names = schema![4] as string[];
      const members = schema![5] as unknown[];
      names.forEach((name, i) => {
        const traits = (members[i] as unknown[] | undefined)?.[1];
        if (!traits || typeof traits !== 'object') return;
        const t = traits as { httpHeader?: string; httpQuery?: string; httpPrefixHeaders?: string };
        const param = t.httpHeader?.toLowerCase() ?? (t.httpQuery ? `?${t.httpQuery}` : t.httpPrefixHeaders ? `${t.httpPrefixHeaders.toLowerCase()}*` : undefined);
        if (param && !covered(param, op)) missing.push(`${op}.${name} (${param})`);
      });
    }
    expect(missing).toEqual([]);
  });

  it('every body element the current @aws-sdk/client-s3 sends for an implemented operation is in our shapes (so the parser reads it and a handler decides)', () => {
    const sdk = createRequire(import.meta.url)('@aws-sdk/client-s3') as Record<string, unknown>;
    // SDK schemas: a structure is [3, ns, name, traits, memberNames, memberSchemas], a list [1, ns, name, traits, member]; members may be thunks or [schema, traits].
    const resolve = (x: unknown): unknown => {
      for (let i = 0; i < 10; i++) {
        if (typeof x === 'function') x = (x as () => unknown)();
        else if (Array.isArray(x) && x.length === 2 && (typeof x[0] === 'function' || Array.isArray(x[0])) && typeof x[1] === 'object') x = x[0];
        else break;
      }
      return x;
    };
    const deref = (m: (Member & { shape?: string; member?: Member; members?: Record<string, Member> }) | undefined) => {
      let s = m as (Member & { shape?: string; member?: Member; members?: Record<string, Member> }) | undefined;
      while (s?.shape) s = doc.shapes[s.shape] as typeof s;
      return s;
    };
    const missing: string[] = [];
    const walk = (schema: unknown, model: Member | undefined, path: string, depth: number): void => {
      const s = resolve(schema);
      const m = deref(model);
      if (!Array.isArray(s) || depth > 8) return;
      if (s[0] === 1) return walk(s[4], m?.member, `${path}[]`, depth + 1);
      if (s[0] !== 3) return;
      (s[4] as string[]).forEach((name, i) => {
        const mm = m?.members?.[name];
        if (!mm) missing.push(`${path}.${name}`);
        else walk((s[5] as unknown[])[i], mm, `${path}.${name}`, depth + 1);
      });
    };
    for (const op of implemented) {
      const input = doc.operations[op]!.input!;
      const schema = sdk[`${input}$`] as unknown[];
      const shape = doc.shapes[input]!;
      (schema[4] as string[]).forEach((name, i) => {
        const member = (schema[5] as unknown[])[i];
        const traits = Array.isArray(member) ? (member[1] as { httpPayload?: number } | undefined) : undefined;
        if (traits?.httpPayload && !shape.members?.[name]?.streaming) walk(member, shape.members?.[name], `${op}.${name}`, 0);
      });
    }
    expect(missing).toEqual([]);
  });

  it('rows name real operations, once per parameter and operation', () => {
    const seen = new Set<string>();
    for (const r of rules) {
      for (const op of r.operations) {
        if (op === '*') continue;
        expect(doc.operations[op], `${r.param}: ${op}`).toBeDefined();
        const key = `${r.param.toLowerCase()} ${op}`;
        expect(seen.has(key), `${key} appears twice`).toBe(false);
        seen.add(key);
      }
    }
  });
});

describe('refuseUnhonouredParameters', () => {
  const req = (operation: string, headers: Record<string, string>, query = '', anonymous = false) => ({
    operation,
    headers: new Headers(headers),
    query: new URLSearchParams(query),
    anonymous,
  });
  const code = (r: ReturnType<typeof req>) => {
    try {
      refuseUnhonouredParameters(r);
      return undefined;
    } catch (e) {
      return (e as { code?: string }).code;
    }
  };

  it('STANDARD is the only storage class; others are InvalidStorageClass', () => {
    expect(code(req('PutObject', { 'x-amz-storage-class': 'STANDARD' }))).toBeUndefined();
    expect(code(req('PutObject', { 'x-amz-storage-class': 'GLACIER' }))).toBe('InvalidStorageClass');
    expect(code(req('CreateMultipartUpload', { 'x-amz-storage-class': 'bogus' }))).toBe('InvalidStorageClass');
  });

  it('conditional and append parameters that would be dropped are refused', () => {
    expect(code(req('PutObject', { 'if-none-match': '*' }))).toBeUndefined();
    expect(code(req('CompleteMultipartUpload', { 'if-none-match': '"abc"' }))).toBe('NotImplemented');
    expect(code(req('CopyObject', { 'if-none-match': '"abc"' }))).toBe('NotImplemented');
    expect(code(req('PutObject', { 'x-amz-write-offset-bytes': '10' }))).toBe('NotImplemented');
    expect(code(req('DeleteObject', { 'x-amz-if-match-size': '10' }))).toBe('NotImplemented');
    expect(code(req('AbortMultipartUpload', { 'x-amz-if-match-initiated-time': 'Wed, 02 Dec 2026 10:00:00 GMT' }))).toBe('NotImplemented');
  });

  it('version ids go to the handlers (object versioning answers them); response-* overrides need a signature', () => {
    expect(code(req('GetObject', {}, 'versionId=null'))).toBeUndefined();
    expect(code(req('DeleteObject', {}, 'versionId=3HL4kqtJlcpXroDTDmJ'))).toBeUndefined();
    expect(code(req('GetObject', {}, 'response-content-type=text/html'))).toBeUndefined();
    expect(code(req('GetObject', {}, 'response-content-type=text/html', true))).toBe('InvalidRequest');
  });

  it('PutBucketPolicy refuses to lock the owner out of the policy, which the owner can always change here', () => {
    expect(code(req('PutBucketPolicy', { 'x-amz-confirm-remove-self-bucket-access': 'true' }))).toBe('NotImplemented');
    expect(code(req('PutBucketPolicy', { 'x-amz-confirm-remove-self-bucket-access': 'false' }))).toBeUndefined();
    expect(code(req('PutBucketLifecycleConfiguration', { 'x-amz-transition-default-minimum-object-size': 'all_storage_classes_128K' }))).toBeUndefined();
  });

  it('checksum algorithms this server does not compute are refused, unknown ones are InvalidRequest', () => {
    expect(code(req('PutObject', { 'x-amz-sdk-checksum-algorithm': 'CRC32' }))).toBeUndefined();
    expect(code(req('PutObject', { 'x-amz-sdk-checksum-algorithm': 'SHA512' }))).toBe('NotImplemented');
    expect(code(req('PutObject', { 'x-amz-checksum-xxhash64': 'AAAAAAAAAAA=' }))).toBe('NotImplemented');
    expect(code(req('PutBucketTagging', { 'x-amz-sdk-checksum-algorithm': 'ROT13' }))).toBe('InvalidRequest');
  });
});
