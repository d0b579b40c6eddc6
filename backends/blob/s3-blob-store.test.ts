// The S3 blob store against a real S3 server (a second skybridge started here): the shared contract, multipart writes, sweeps and remote failures.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { isCoreError } from '../../core/errors.js';
import { startFaultProxy, type FaultProxy } from '../../test/harness/fault-proxy.js';
import { startS3Remote, type S3Remote } from '../../test/harness/s3-remote.js';
import { blobStoreContract } from './contract.case.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

const BUCKET = 'blob-contract';
const MIB = 1 << 20;
let remote: S3Remote;
let proxy: FaultProxy;
let n = 0;

beforeAll(async () => {
  remote = await startS3Remote();
  await remote.createBucket(BUCKET);
  proxy = await startFaultProxy(remote.endpoint);
}, 90_000);

afterAll(async () => {
  await proxy?.close();
  await remote?.dispose();
});

/** A store on its own prefix of the shared bucket, so tests never see each other's blobs. */
function storeOn(extra: Partial<S3BlobStoreOptions> = {}): { store: S3BlobStore; prefix: string } {
  const prefix = `t${++n}-${randomBytes(4).toString('hex')}/`;
  const store = new S3BlobStore({
    endpoint: remote.endpoint,
    bucket: BUCKET,
    accessKeyId: remote.accessKeyId,
    secretAccessKey: remote.secretAccessKey,
    prefix,
    partSize: 5 * MIB,
    ...extra,
  });
  return { store, prefix };
}

async function uploadsUnder(prefix: string): Promise<string[]> {
  const { store } = storeOn({ prefix });
  const out: string[] = [];
  for await (const u of store.listUploads()) out.push(`upload ${u.key}`);
  store.close();
  return out;
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const r = await remote.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

blobStoreContract('s3 (a second skybridge)', async () => {
  const { store, prefix } = storeOn();
  return {
    store,
    // Open multipart uploads are the S3 store's temp files; anything under the prefix that is not a blob would be a stray too.
    leftovers: async () => [...(await uploadsUnder(prefix)), ...(await objectsUnder(prefix)).filter((k) => !/^[A-Za-z0-9_-]+$/.test(k.slice(prefix.length)))],
    cleanup: async () => {
      for (const k of await objectsUnder(prefix)) await remote.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: k }));
      store.close();
    },
  };
});

function pattern(size: number, seed = 7): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * seed + (i >> 10)) & 0xff;
  return b;
}

async function* chunksOf(data: Buffer, size: number, failAfter?: number): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < data.length; off += size) {
    if (failAfter !== undefined && off >= failAfter) throw new Error('client went away');
    yield data.subarray(off, off + size);
  }
}

async function readAll(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of s as unknown as AsyncIterable<Uint8Array>) parts.push(c);
  return Buffer.concat(parts);
}

async function coreErrorOf(p: Promise<unknown>): Promise<{ kind?: string; reason?: unknown; status?: unknown }> {
  try {
    await p;
  } catch (e) {
    if (isCoreError(e)) return { kind: e.kind, reason: e.detail.reason, status: e.detail.status };
    throw e;
  }
  return {};
}

describe('S3BlobStore beyond the contract', () => {
  it('writes a body larger than a part as a multipart upload, byte-identical, with ranges across part boundaries', async () => {
    const { store, prefix } = storeOn();
    const data = pattern(12 * MIB + 12345);
    const r = await store.put('big', chunksOf(data, 64 * 1024), { digests: ['sha256', 'crc32c'] });
    expect(r.size).toBe(data.length);
    expect(r.md5).toBe(createHash('md5').update(data).digest('hex'));
    expect(r.digests.sha256).toBe(createHash('sha256').update(data).digest('base64'));
    expect((await readAll(await store.get('big'))).equals(data)).toBe(true);
    const start = 5 * MIB - 10;
    const end = 10 * MIB + 10;
    expect((await readAll(await store.get('big', { start, end }))).equals(data.subarray(start, end + 1))).toBe(true);
    expect(await store.stat('big')).toEqual({ size: data.length });
    // On the remote it is one object under the prefix, and no upload stays open.
    expect(await objectsUnder(prefix)).toEqual([`${prefix}big`]);
    expect(await uploadsUnder(prefix)).toEqual([]);
    store.close();
  });

  it('aborts the multipart upload of a body that fails after several parts, keeping the previous version', async () => {
    const { store, prefix } = storeOn();
    await store.put('kept', chunksOf(Buffer.from('previous'), 4));
    const boom = new Error('client went away');
    const failing = (async function* () {
      yield* chunksOf(pattern(11 * MIB), MIB);
      throw boom;
    })();
    await expect(store.put('kept', failing)).rejects.toBe(boom);
    expect((await readAll(await store.get('kept'))).toString()).toBe('previous');
    expect(await uploadsUnder(prefix)).toEqual([]);
    await expect(store.put('other', chunksOf(pattern(7 * MIB), MIB), { expectedSize: 6 * MIB })).rejects.toThrow(/larger/);
    expect(await store.stat('other')).toBeUndefined();
    expect(await uploadsUnder(prefix)).toEqual([]);
    store.close();
  });

  it('sweeps multipart uploads a dead writer left, but not young ones nor its own writes in progress', async () => {
    const { store, prefix } = storeOn();
    const dead = await remote.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `${prefix}dead` }));
    // Young: a grace of an hour keeps it.
    expect(await store.sweepUploads(3600_000)).toBe(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = store.put(
      'slow',
      (async function* () {
        yield* chunksOf(pattern(6 * MIB), MIB);
        await gate;
      })(),
    );
    // Wait until the in-progress write has its upload open on the remote.
    for (let i = 0; i < 200 && (await uploadsUnder(prefix)).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await uploadsUnder(prefix)).sort()).toEqual([`upload ${prefix}dead`, `upload ${prefix}slow`]);
    expect(await store.sweepUploads(0, Date.now() + 1000)).toBe(1);
    expect(await uploadsUnder(prefix)).toEqual([`upload ${prefix}slow`]);
    release();
    expect((await slow).size).toBe(6 * MIB);
    expect(await uploadsUnder(prefix)).toEqual([]);
    await remote.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: `${prefix}dead`, UploadId: dead.UploadId })).catch(() => undefined);
    store.close();
  });

  it('lists only blob keys under its prefix, ignoring nested and foreign objects', async () => {
    const { store, prefix } = storeOn();
    await store.put('mine', chunksOf(Buffer.from('x'), 1));
    await remote.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}nested/thing`, Body: 'n' }));
    await remote.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}dotted.name`, Body: 'd' }));
    const keys: string[] = [];
    for await (const k of store.list()) keys.push(k);
    expect(keys).toEqual(['mine']);
    store.close();
  });

  it('reports an unreachable cluster as Unavailable on every operation', async () => {
    const { store } = storeOn({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const down = { kind: 'Unavailable', reason: 'BlobStoreUnavailable' };
    expect(await coreErrorOf(store.put('k', chunksOf(Buffer.from('abc'), 1)))).toMatchObject(down);
    expect(await coreErrorOf(store.get('k'))).toMatchObject(down);
    expect(await coreErrorOf(store.stat('k'))).toMatchObject(down);
    expect(await coreErrorOf(store.delete('k'))).toMatchObject(down);
    expect(await coreErrorOf((async () => { for await (const _ of store.entries()) void _; })())).toMatchObject(down);
    expect(await coreErrorOf(store.checkBucket())).toMatchObject({ kind: 'Unavailable', status: undefined });
    store.close();
  });

  it('reports 5xx answers as Unavailable after its retries, and a missing bucket with status 404', async () => {
    const { store } = storeOn({ endpoint: proxy.url, maxAttempts: 2 });
    await store.put('k', chunksOf(pattern(MIB), 4096));
    for (const status of [500, 503]) {
      proxy.set({ kind: 'status', status });
      expect(await coreErrorOf(store.put('k2', chunksOf(Buffer.from('abc'), 1)))).toMatchObject({ kind: 'Unavailable', status });
      expect(await coreErrorOf(store.get('k'))).toMatchObject({ kind: 'Unavailable', status });
      expect(await coreErrorOf(store.stat('k'))).toMatchObject({ kind: 'Unavailable', status });
    }
    proxy.set({ kind: 'reset' });
    expect(await coreErrorOf(store.get('k'))).toMatchObject({ kind: 'Unavailable' });
    proxy.set({ kind: 'pass' });
    expect((await readAll(await store.get('k'))).length).toBe(MIB);
    store.close();
    const wrong = new S3BlobStore({ endpoint: remote.endpoint, bucket: 'no-such-bucket', accessKeyId: remote.accessKeyId, secretAccessKey: remote.secretAccessKey });
    expect(await coreErrorOf(wrong.checkBucket())).toMatchObject({ kind: 'Unavailable', status: 404 });
    const refused = new S3BlobStore({ endpoint: remote.endpoint, bucket: BUCKET, accessKeyId: 'AKIANOTAKEY', secretAccessKey: 'nope' });
    expect(await coreErrorOf(refused.checkBucket())).toMatchObject({ kind: 'Unavailable', status: 403 });
    wrong.close();
    refused.close();
  });

  it('errors a read whose answer the cluster cuts short, instead of ending it quietly', async () => {
    const { store } = storeOn({ endpoint: proxy.url });
    await store.put('cut', chunksOf(pattern(2 * MIB), 65536));
    proxy.set({ kind: 'cut-body', afterBytes: MIB });
    const s = await store.get('cut');
    expect(await coreErrorOf(readAll(s))).toMatchObject({ kind: 'Unavailable' });
    proxy.set({ kind: 'pass' });
    store.close();
  });
});
