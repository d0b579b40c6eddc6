// Unit tests of the encryption-at-rest rules in the object service: which seal a write gets, the SSE-C key rules, and what a failure leaves behind.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- the unit test wires the real memory backend, as the composition root does
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import type { RequestContext } from '../context.js';
import { type OpenDb } from '../db/index.js';
import { openTestDatabase } from '../db/testing.js';
import { projects } from '../db/schema/identity.js';
import { isCoreError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { ObjectService } from './object-service.js';
import { newDataKey } from './sse-cipher.js';
import { readAll } from './streams.js';

const A = 'proj-a';
const admin: RequestContext = {
  requestId: 'req',
  auth: { userId: 'u', userName: 'u', userDomainId: 'default', projectId: A, projectName: A, roles: ['admin', 'member', 'reader'], roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: Date.now() + 3600_000 },
};
const ref = (name: string) => ({ projectId: A, container: 'c', name });
const bytes = (b: Buffer): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(c) {
      if (b.length) c.enqueue(new Uint8Array(b));
      c.close();
    },
  });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isCoreError(e)) return `${e.kind}:${e.detail.reason ?? ''}`;
    throw e;
  }
  return 'ok';
}

let odb: OpenDb;
let blobs: MemoryBlobStore;
const service = (withRing: boolean) =>
  new ObjectService({ db: odb.db, blobs, logger: silentLogger, region: 'RegionOne', minPartSize: 5, sseKeys: withRing ? { keys: () => [ringKey] } : undefined });
const ringKey = new Uint8Array(newDataKey());
const blobCount = async () => {
  let n = 0;
  for await (const _ of blobs.list()) n++;
  return n;
};

beforeEach(async () => {
  odb = openTestDatabase();
  blobs = new MemoryBlobStore();
  odb.db.insert(projects).values({ id: A, name: A, domainId: 'default', createdAt: 0 }).run();
  await service(false).createContainer(admin, { projectId: A, container: 'c' });
});
afterEach(() => odb.close());

describe('encryption rules', () => {
  it('without a key ring SSE-S3 is NotImplemented on put and on multipart create, and nothing is stored', async () => {
    const svc = service(false);
    expect(await reason(svc.putObject(admin, ref('x'), bytes(Buffer.from('x')), { encryption: { mode: 'SSE-S3' } }))).toMatch(/^NotImplemented/);
    expect(await reason(svc.createMultipartUpload(admin, ref('x'), { encryption: { mode: 'SSE-S3' } }))).toMatch(/^NotImplemented/);
    expect(await blobCount()).toBe(0);
    expect((await svc.listMultipartUploads(admin, { projectId: A, container: 'c' })).uploads).toEqual([]);
  });

  it('a sealed body shorter than declared stores nothing', async () => {
    const svc = service(true);
    expect(await reason(svc.putObject(admin, ref('short'), bytes(randomBytes(10)), { expectedSize: 11, encryption: { mode: 'SSE-S3' } }))).toBe('Invalid:IncompleteBody');
    expect(await blobCount()).toBe(0);
  });

  it('SSE-C: no key → SseCustomerKeyRequired, another key → SseCustomerKeyMismatch, a key for a plain object → SseNotApplicable', async () => {
    const svc = service(true);
    const key = randomBytes(32);
    await svc.putObject(admin, ref('c'), bytes(Buffer.from('secret')), { encryption: { mode: 'SSE-C', customerKey: key } });
    await svc.putObject(admin, ref('p'), bytes(Buffer.from('plain')));
    expect(await reason(svc.getObject(admin, ref('c')))).toBe('Invalid:SseCustomerKeyRequired');
    expect(await reason(svc.headObject(admin, ref('c'), { customerKey: randomBytes(32) }))).toBe('Forbidden:SseCustomerKeyMismatch');
    expect(await reason(svc.getObject(admin, ref('p'), { customerKey: key }))).toBe('Invalid:SseNotApplicable');
    expect((await readAll((await svc.getObject(admin, ref('c'), { customerKey: key })).body)).toString()).toBe('secret');
  });

  it('the bucket default applies to writes without a choice; an explicit choice wins; removing it stops it', async () => {
    const svc = service(true);
    await svc.putContainerEncryption(admin, { projectId: A, container: 'c' }, { algorithm: 'AES256' });
    expect(await svc.getContainerEncryption(admin, { projectId: A, container: 'c' })).toEqual({ algorithm: 'AES256' });
    expect((await svc.putObject(admin, ref('d'), bytes(Buffer.from('d')))).encryption).toBe('SSE-S3');
    expect((await svc.putObject(admin, ref('e'), bytes(Buffer.from('e')), { encryption: { mode: 'SSE-C', customerKey: randomBytes(32) } })).encryption).toBe('SSE-C');
    await svc.putContainerEncryption(admin, { projectId: A, container: 'c' }, null);
    expect((await svc.putObject(admin, ref('f'), bytes(Buffer.from('f')))).encryption).toBeUndefined();
  });

  it('a multipart part of an SSE-C upload needs the upload key; a part of an SSE-S3 upload refuses a customer key', async () => {
    const svc = service(true);
    const key = randomBytes(32);
    const up = await svc.createMultipartUpload(admin, ref('m'), { encryption: { mode: 'SSE-C', customerKey: key } });
    expect(await reason(svc.uploadPart(admin, ref('m'), up.uploadId, 1, bytes(Buffer.from('abcde'))))).toBe('Invalid:SseCustomerKeyRequired');
    expect(await reason(svc.uploadPart(admin, ref('m'), up.uploadId, 1, bytes(Buffer.from('abcde')), { customerKey: randomBytes(32) }))).toBe('Forbidden:SseCustomerKeyMismatch');
    const p = await svc.uploadPart(admin, ref('m'), up.uploadId, 1, bytes(Buffer.from('abcde')), { customerKey: key });
    expect(p.encryption).toBe('SSE-C');
    const s3up = await svc.createMultipartUpload(admin, ref('n'), { encryption: { mode: 'SSE-S3' } });
    expect(await reason(svc.uploadPart(admin, ref('n'), s3up.uploadId, 1, bytes(Buffer.from('x')), { customerKey: key }))).toBe('Invalid:SseNotApplicable');
  });
});
