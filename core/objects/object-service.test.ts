// Unit tests of the object service over an in-memory database and the memory blob store.
import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- the unit test wires the real memory backend, as the composition root does
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import type { RequestContext } from '../context.js';
import { type OpenDb } from '../db/index.js';
import { openTestDatabase } from '../db/testing.js';
import { jobs } from '../db/schema/jobs.js';
import { projects } from '../db/schema/identity.js';
import { silentLogger } from '../logger.js';
import { ObjectService } from './object-service.js';
import { bytes, reason } from './test-support.js';
import { readAll } from './streams.js';

const A = 'proj-a';
const B = 'proj-b';

function ctxFor(projectId: string, roles: string[], userId = `user-${projectId}`): RequestContext {
  return {
    requestId: 'req',
    auth: { userId, userName: userId, userDomainId: 'default', projectId, projectName: projectId, roles, roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: Date.now() + 3600_000 },
  };
}
const adminA = ctxFor(A, ['admin', 'member', 'reader']);
const readerA = ctxFor(A, ['reader']);
const memberB = ctxFor(B, ['member', 'reader']);
const anon: RequestContext = { requestId: 'anon' };

const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');

let odb: OpenDb;
let blobs: MemoryBlobStore;
let svc: ObjectService;
let now: number;

async function blobKeys(): Promise<string[]> {
  const out: string[] = [];
  for await (const k of blobs.list()) out.push(k);
  return out;
}

beforeEach(async () => {
  odb = openTestDatabase();
  blobs = new MemoryBlobStore();
  now = 1_700_000_000_000;
  svc = new ObjectService({ db: odb.db, blobs, logger: silentLogger, region: 'RegionOne', clock: { now: () => now }, minPartSize: 5 });
  odb.db.insert(projects).values([A, B].map((id) => ({ id, name: id, domainId: 'default', createdAt: 0 }))).run();
  await svc.createContainer(adminA, { projectId: A, container: 'c' });
});
afterEach(() => odb.close());

describe('objects: put, get, overwrite', () => {
  it('stores verbatim and reads back the same bytes, size and md5 etag', async () => {
    const r = await svc.putObject(adminA, { projectId: A, container: 'c', name: 'a/../b' }, bytes('hello'), { contentType: 'text/plain', userMetadata: { Color: 'red' } });
    expect(r).toMatchObject({ etag: md5('hello'), swiftEtag: md5('hello'), size: 5, lastModified: now });
    const g = await svc.getObject(adminA, { projectId: A, container: 'c', name: 'a/../b' });
    expect((await readAll(g.body)).toString()).toBe('hello');
    expect(g.info).toMatchObject({ contentType: 'text/plain', userMetadata: { color: 'red' }, kind: 'simple' });
    expect(await reason(svc.getObject(adminA, { projectId: A, container: 'c', name: 'a/b' }))).toBe('NotFound:object');
    const h = await svc.headContainer(adminA, { projectId: A, container: 'c' });
    expect(h).toMatchObject({ objectCount: 1, bytesUsed: 5 });
  });

  it('an overwrite releases the old blob to a delayed gc job; the old blob survives until then', async () => {
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'k' }, bytes('one'));
    const [oldKey] = await blobKeys();
    now += 1000;
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'k' }, bytes('two!'));
    expect(await blobKeys()).toHaveLength(2);
    const gc = odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc');
    expect(gc).toHaveLength(1);
    expect(gc[0]!.payload).toEqual({ blobKeys: [oldKey] });
    expect(gc[0]!.runAt).toBeGreaterThan(now);
    await svc.collectBlobs([oldKey!]);
    expect(await blobKeys()).toHaveLength(1);
    const g = await svc.getObject(adminA, { projectId: A, container: 'c', name: 'k' });
    expect((await readAll(g.body)).toString()).toBe('two!');
    expect((await svc.headContainer(adminA, { projectId: A, container: 'c' })).bytesUsed).toBe(4);
  });

  it('a body that errors half-way or is shorter than expected leaves no row and no blob', async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
        c.error(new Error('connection reset'));
      },
    });
    await expect(svc.putObject(adminA, { projectId: A, container: 'c', name: 'x' }, failing)).rejects.toThrow('connection reset');
    expect(await reason(svc.putObject(adminA, { projectId: A, container: 'c', name: 'x' }, bytes('abc'), { expectedSize: 10 }))).toBe('Invalid:IncompleteBody');
    expect(await reason(svc.putObject(adminA, { projectId: A, container: 'c', name: 'x' }, bytes('abc'), { expectedMd5: md5('abd') }))).toBe('Invalid:BadDigest');
    expect(await blobKeys()).toEqual([]);
    expect(await reason(svc.headObject(adminA, { projectId: A, container: 'c', name: 'x' }))).toBe('NotFound:object');
  });

  it('verifies requested checksums', async () => {
    const crc = Buffer.alloc(4);
    const { crc32 } = await import('node:zlib');
    crc.writeUInt32BE(crc32(Buffer.from('data')) >>> 0);
    const r = await svc.putObject(adminA, { projectId: A, container: 'c', name: 'x' }, bytes('data'), { checksum: { algorithm: 'crc32', expected: () => crc.toString('base64') } });
    expect(r.checksum).toEqual({ algorithm: 'crc32', value: crc.toString('base64'), type: 'FULL_OBJECT' });
    expect(await reason(svc.putObject(adminA, { projectId: A, container: 'c', name: 'y' }, bytes('data'), { checksum: { algorithm: 'crc32', expected: 'AAAAAA==' } }))).toBe('Invalid:BadChecksum');
  });

  it('conditional writes: If-None-Match * and If-Match', async () => {
    const ref = { projectId: A, container: 'c', name: 'k' };
    await svc.putObject(adminA, ref, bytes('v1'), { ifNoneMatch: '*' });
    expect(await reason(svc.putObject(adminA, ref, bytes('v2'), { ifNoneMatch: '*' }))).toBe('Conflict:PreconditionFailed');
    expect(await reason(svc.putObject(adminA, ref, bytes('v2'), { ifMatch: '"0000"' }))).toBe('Conflict:PreconditionFailed');
    expect(await reason(svc.putObject(adminA, { ...ref, name: 'none' }, bytes('v2'), { ifMatch: md5('v1') }))).toBe('NotFound:object');
    await svc.putObject(adminA, ref, bytes('v2'), { ifMatch: `"${md5('v1')}"` });
    expect(await blobKeys()).toHaveLength(2);
  });

  it('server-side copy shares the blob and keeps the etag; REPLACE swaps metadata', async () => {
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'src' }, bytes('copy me'), { userMetadata: { a: '1' }, contentType: 'text/x' });
    const r = await svc.copyObject(adminA, { projectId: A, container: 'c', name: 'src' }, { projectId: A, container: 'c', name: 'dst' }, { metadataDirective: 'REPLACE', userMetadata: { b: '2' } });
    expect(r.etag).toBe(md5('copy me'));
    expect(await blobKeys()).toHaveLength(1);
    const h = await svc.headObject(adminA, { projectId: A, container: 'c', name: 'dst' });
    expect(h.info.userMetadata).toEqual({ b: '2' });
    await svc.deleteObject(adminA, { projectId: A, container: 'c', name: 'src' });
    expect(odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc')).toHaveLength(0);
    expect((await readAll((await svc.getObject(adminA, { projectId: A, container: 'c', name: 'dst' })).body)).toString()).toBe('copy me');
    expect(await reason(svc.copyObject(adminA, { projectId: A, container: 'c', name: 'dst' }, { projectId: A, container: 'c', name: 'dst' }, { metadataDirective: 'COPY' }))).toBe('Invalid:InvalidRequest');
  });
});

describe('objects: ranges and conditions', () => {
  const ref = { projectId: A, container: 'c', name: 'eleven' };
  beforeEach(async () => {
    await svc.putObject(adminA, ref, bytes('hello world'));
  });
  const slice = async (range: { start: number; end?: number } | { suffix: number }) => {
    const g = await svc.getObject(adminA, ref, { range });
    return { range: g.range, text: (await readAll(g.body)).toString() };
  };

  it('single, open-ended and suffix ranges; unsatisfiable ones', async () => {
    expect(await slice({ start: 4, end: 7 })).toEqual({ range: { start: 4, end: 7, size: 11 }, text: 'o wo' });
    expect(await slice({ start: 4 })).toEqual({ range: { start: 4, end: 10, size: 11 }, text: 'o world' });
    expect(await slice({ suffix: 7 })).toEqual({ range: { start: 4, end: 10, size: 11 }, text: 'o world' });
    expect(await slice({ start: 5, end: 100 })).toMatchObject({ text: ' world' });
    expect(await reason(svc.getObject(adminA, ref, { range: { start: 40, end: 50 } }))).toBe('Invalid:InvalidRange');
    await svc.putObject(adminA, { ...ref, name: 'empty' }, bytes(''));
    expect(await reason(svc.getObject(adminA, { ...ref, name: 'empty' }, { range: { start: 0 } }))).toBe('Invalid:InvalidRange');
  });

  it('If-Match / If-None-Match / If-(Un)Modified-Since with RFC precedence', async () => {
    const etag = md5('hello world');
    const c = (conditions: object) => reason(svc.headObject(adminA, ref, { conditions }));
    expect(await c({ ifMatch: [`"${etag}"`] })).toBe('ok');
    expect(await c({ ifMatch: ['"nope"'] })).toBe('Conflict:PreconditionFailed');
    expect(await c({ ifNoneMatch: [etag] })).toBe('InvalidState:NotModified');
    expect(await c({ ifNoneMatch: ['*'] })).toBe('InvalidState:NotModified');
    expect(await c({ ifModifiedSince: now + 500 })).toBe('InvalidState:NotModified');
    expect(await c({ ifModifiedSince: now - 2000 })).toBe('ok');
    expect(await c({ ifUnmodifiedSince: now - 2000 })).toBe('Conflict:PreconditionFailed');
    expect(await c({ ifMatch: [etag], ifUnmodifiedSince: now - 2000 })).toBe('ok');
    expect(await c({ ifNoneMatch: [etag], ifModifiedSince: now - 2000 })).toBe('InvalidState:NotModified');
  });
});

describe('objects: listing', () => {
  const names = ['a', 'a/b', 'a/c/d', 'a/c/e', 'b', 'b/', '..', '//x', '/lead', 'é', 'z\u{1F600}', 'z\uFFFD', 'photos/2024/x.jpg', 'photos/2025/y.jpg'];
  beforeEach(async () => {
    for (const n of names) await svc.putObject(adminA, { projectId: A, container: 'c', name: n }, bytes(n));
  });
  const list = async (opts: object) => {
    const r = await svc.listObjects(adminA, { projectId: A, container: 'c' }, opts);
    return { names: r.entries.map((e) => (e.type === 'prefix' ? `[${e.prefix}]` : e.name)), truncated: r.isTruncated, next: r.nextMarker };
  };
  const byteSorted = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

  it('is in UTF-8 byte order with names verbatim', async () => {
    expect((await list({})).names).toEqual(byteSorted);
    // U+1F600 (4-byte UTF-8) sorts after U+FFFD in bytes, the opposite of UTF-16 order.
    expect(byteSorted.indexOf('z\uFFFD')).toBeLessThan(byteSorted.indexOf('z\u{1F600}'));
  });

  it('prefix, delimiter, marker, end_marker, limit and reverse', async () => {
    expect((await list({ prefix: 'a/' })).names).toEqual(['a/b', 'a/c/d', 'a/c/e']);
    expect((await list({ prefix: 'a/', delimiter: '/' })).names).toEqual(['a/b', '[a/c/]']);
    expect((await list({ delimiter: '/' })).names).toEqual(['..', '[/]', 'a', '[a/]', 'b', '[b/]', '[photos/]', 'z\uFFFD', 'z\u{1F600}', 'é']);
    expect((await list({ marker: 'a/c/d' })).names).toEqual(byteSorted.slice(byteSorted.indexOf('a/c/e')));
    expect((await list({ marker: 'a', endMarker: 'b' })).names).toEqual(['a/b', 'a/c/d', 'a/c/e']);
    expect(await list({ limit: 2 })).toEqual({ names: byteSorted.slice(0, 2), truncated: true, next: byteSorted[1] });
    expect((await list({ reverse: true })).names).toEqual([...byteSorted].reverse());
    expect((await list({ reverse: true, marker: 'b', endMarker: 'a' })).names).toEqual(['a/c/e', 'a/c/d', 'a/b']);
    expect((await list({ prefix: 'photos/', delimiter: '/', reverse: true })).names).toEqual(['[photos/2025/]', '[photos/2024/]']);
  });

  it('pages through common prefixes without repeating them', async () => {
    const p1 = await list({ delimiter: '/', limit: 4 });
    expect(p1.names).toEqual(['..', '[/]', 'a', '[a/]']);
    expect(p1.next).toBe('a/');
    const p2 = await list({ delimiter: '/', limit: 4, marker: p1.next });
    expect(p2.names).toEqual(['b', '[b/]', '[photos/]', 'z\uFFFD']);
  });

  it('lists containers of the account with marker and prefix', async () => {
    for (const n of ['d1', 'd2', 'e1']) await svc.createContainer(adminA, { projectId: A, container: n });
    const r = await svc.listContainers(readerA, A, { prefix: 'd', limit: 1 });
    expect(r.containers.map((c) => c.name)).toEqual(['d1']);
    expect(r.isTruncated).toBe(true);
    expect((await svc.listContainers(readerA, A, { marker: 'd1' })).containers.map((c) => c.name)).toEqual(['d2', 'e1']);
    expect(await svc.headAccount(readerA, A)).toMatchObject({ containerCount: 4, objectCount: names.length });
  });
});

describe('objects: 100k listing by index seeks', () => {
  it('pages correctly over 100k rows', async () => {
    const cid = odb.sqlite.prepare("SELECT id FROM obj_containers WHERE name = 'c'").get() as { id: string };
    const ins = odb.sqlite.prepare(
      "INSERT INTO obj_objects (id, container_id, name, size, etag, swift_etag, content_type, last_modified, kind, blob_key) VALUES (?, ?, ?, 0, 'e', 'e', 't', 0, 'simple', 'k')",
    );
    odb.sqlite.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const d = String(i % 100).padStart(2, '0');
        ins.run(`id${i}`, cid.id, `dir${d}/file${String(i).padStart(6, '0')}`);
      }
    })();
    const seek = 'SELECT name FROM obj_objects WHERE container_id = ? AND name >= CAST(? AS TEXT) AND name < CAST(? AS TEXT) ORDER BY name LIMIT 10';
    if (odb.dialect === 'postgres') {
      odb.sqlite.exec('ANALYZE obj_objects');
      const plan = odb.sqlite.prepare(`EXPLAIN ${seek}`).pluck().all(cid.id, Buffer.from('a'), Buffer.from('b')) as string[];
      expect(plan.join(' ')).toMatch(/Index (Only )?Scan using obj_objects_container_name_uq/);
    } else {
      const plan = odb.sqlite.prepare(`EXPLAIN QUERY PLAN ${seek}`).all('x', Buffer.from('a'), Buffer.from('b')) as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX obj_objects_container_name_uq \(container_id=\? AND name>\? AND name<\?\)/);
    }
    const c = { projectId: A, container: 'c' };
    const roll = await svc.listObjects(adminA, c, { delimiter: '/' });
    expect(roll.entries).toHaveLength(100);
    expect(roll.entries[42]).toEqual({ type: 'prefix', prefix: 'dir42/' });
    const page = await svc.listObjects(adminA, c, { prefix: 'dir07/', marker: 'dir07/file000507', limit: 3 });
    expect(page.entries.map((e) => (e.type === 'object' ? e.name : e.prefix))).toEqual(['dir07/file000607', 'dir07/file000707', 'dir07/file000807']);
    expect(page.isTruncated).toBe(true);
    const last = await svc.listObjects(adminA, c, { prefix: 'dir99/', reverse: true, limit: 1 });
    expect(last.entries.map((e) => (e.type === 'object' ? e.name : e.prefix))).toEqual(['dir99/file099999']);
    const rolledPage = await svc.listObjects(adminA, c, { delimiter: '/', marker: 'dir50/', limit: 2 });
    expect(rolledPage.entries).toEqual([{ type: 'prefix', prefix: 'dir51/' }, { type: 'prefix', prefix: 'dir52/' }]);
  });
});

describe('objects: access', () => {
  const ref = { projectId: A, container: 'c', name: 'secret' };
  beforeEach(async () => {
    await svc.putObject(adminA, ref, bytes('s3cr3t'));
  });

  it('a reader reads but cannot write; another project sees nothing', async () => {
    expect(await reason(svc.headObject(readerA, ref))).toBe('ok');
    expect(await reason(svc.putObject(readerA, ref, bytes('x')))).toBe('Forbidden:');
    expect(await reason(svc.deleteObject(readerA, ref))).toBe('Forbidden:');
    expect(await reason(svc.createContainer(readerA, { projectId: A, container: 'n' }))).toBe('Forbidden:');
    expect(await reason(svc.getObject(memberB, ref))).toBe('Forbidden:');
    expect(await reason(svc.listObjects(memberB, { projectId: A, container: 'c' }))).toBe('Forbidden:');
    expect(await reason(svc.headAccount(memberB, A))).toBe('Forbidden:');
    expect(await reason(svc.getObject(anon, ref))).toBe('Forbidden:');
    expect(await reason(svc.putObject(memberB, ref, bytes('x')))).toBe('Forbidden:');
  });

  it('Swift container ACLs grant reads, listings and writes', async () => {
    await svc.updateContainer(adminA, { projectId: A, container: 'c' }, { swiftAcl: { read: '.r:*', write: `${B}:*` } });
    expect(await reason(svc.getObject(anon, ref))).toBe('ok');
    expect(await reason(svc.listObjects(anon, { projectId: A, container: 'c' }))).toBe('Forbidden:');
    await svc.updateContainer(adminA, { projectId: A, container: 'c' }, { swiftAcl: { read: '.r:*,.rlistings' } });
    expect(await reason(svc.listObjects(anon, { projectId: A, container: 'c' }))).toBe('ok');
    expect(await reason(svc.putObject(memberB, { ...ref, name: 'fromB' }, bytes('b')))).toBe('ok');
    expect(await reason(svc.putObject(anon, { ...ref, name: 'anon' }, bytes('b')))).toBe('Forbidden:');
  });

  it('S3 ACLs: public-read object, public-read-write bucket, grants to a project', async () => {
    await svc.createContainer(adminA, { container: 'pub-bucket' }, { s3: {}, s3Acl: { canned: 'public-read-write' } });
    const pub = { container: 'pub-bucket' };
    expect(await reason(svc.putObject(anon, { ...pub, name: 'anon-put' }, bytes('x')))).toBe('ok');
    expect(await reason(svc.listObjects(anon, pub))).toBe('ok');
    expect(await reason(svc.getObject(anon, { ...pub, name: 'anon-put' }))).toBe('Forbidden:');
    await svc.putObject(adminA, { ...pub, name: 'open' }, bytes('x'), { acl: { canned: 'public-read' } });
    expect(await reason(svc.getObject(anon, { ...pub, name: 'open' }))).toBe('ok');
    await svc.putObjectAcl(adminA, ref, { grants: [{ grantee: { type: 'project', projectId: B }, permission: 'READ' }] });
    expect(await reason(svc.getObject(memberB, ref))).toBe('ok');
    expect(await reason(svc.putObjectAcl(adminA, ref, { grants: [{ grantee: { type: 'project', projectId: 'nope' }, permission: 'READ' }] }))).toBe('Invalid:InvalidArgument');
  });

  it('S3 bucket names are global: BucketAlreadyExists, own re-create, S3 resolution by name', async () => {
    expect(await svc.createContainer(adminA, { container: 'shared-name' }, { s3: {} })).toMatchObject({ created: true });
    expect(await svc.createContainer(adminA, { container: 'shared-name' }, { s3: {} })).toMatchObject({ created: false });
    expect(await reason(svc.createContainer(adminA, { container: 'shared-name' }, { s3: { failIfOwned: true } }))).toBe('Conflict:BucketAlreadyOwnedByYou');
    expect(await reason(svc.createContainer(memberB, { container: 'shared-name' }, { s3: {} }))).toBe('Conflict:BucketAlreadyExists');
    expect(await reason(svc.createContainer(adminA, { container: 'Bad_Name' }, { s3: {} }))).toBe('Invalid:InvalidBucketName');
    expect(await svc.findContainerOwner(memberB, 'shared-name')).toBe(A);
    expect(await reason(svc.listObjects(memberB, { container: 'shared-name' }))).toBe('Forbidden:');
    expect(await reason(svc.listObjects(memberB, { container: 'missing' }))).toBe('NotFound:container');
    expect((await svc.createContainer(adminA, { projectId: A, container: 'c' })).created).toBe(false);
  });

  it('deleting a non-empty container is BucketNotEmpty', async () => {
    expect(await reason(svc.deleteContainer(adminA, { projectId: A, container: 'c' }))).toBe('Conflict:BucketNotEmpty');
    await svc.deleteObject(adminA, ref);
    expect((await svc.deleteObject(adminA, ref)).existed).toBe(false);
    await svc.deleteContainer(adminA, { projectId: A, container: 'c' });
    expect(await reason(svc.headContainer(adminA, { projectId: A, container: 'c' }))).toBe('NotFound:container');
  });

  it('TempURL grants exactly the signed object and method', async () => {
    await svc.updateAccountMetadata(adminA, A, { set: { 'Temp-URL-Key': 'k3y' } });
    const expires = Math.floor(now / 1000) + 60;
    const path = `/v1/AUTH_${A}/c/secret`;
    const sig = createHmac('sha256', 'k3y').update(`GET\n${expires}\n${path}`).digest('hex');
    const grant = await svc.verifyTempUrl({ projectId: A, container: 'c', name: 'secret', method: 'GET', expires, signature: sig, signedPath: path });
    expect(await reason(svc.getObject(anon, ref, { grant }))).toBe('ok');
    expect(await reason(svc.headObject(anon, ref, { grant }))).toBe('ok');
    expect(await reason(svc.putObject(anon, ref, bytes('x'), { grant }))).toBe('Forbidden:');
    expect(await reason(svc.getObject(anon, { ...ref, name: 'other' }, { grant }))).toBe('Forbidden:');
    expect(await reason(svc.getObject(anon, ref, { grant: { ...grant } }))).toBe('Forbidden:');
    expect(await reason(svc.verifyTempUrl({ projectId: A, container: 'c', name: 'secret', method: 'PUT', expires, signature: sig, signedPath: path }))).toBe('Invalid:TempUrlInvalid');
  });
});

describe('objects: expiry', () => {
  it('an expired object is invisible at once and removed by the expire job', async () => {
    const ref = { projectId: A, container: 'c', name: 'tmp' };
    expect(await reason(svc.putObject(adminA, ref, bytes('x'), { deleteAt: now - 1 }))).toBe('Invalid:InvalidArgument');
    const r = await svc.putObject(adminA, ref, bytes('x'), { deleteAt: now + 10_000 });
    const job = odb.db.select().from(jobs).all().find((j) => j.name === 'object.expire');
    expect(job?.payload).toEqual({ projectId: A, container: 'c', name: 'tmp', versionId: r.versionId });
    expect(job?.runAt).toBe(now + 10_000);
    expect((await svc.headObject(adminA, ref)).info.deleteAt).toBe(now + 10_000);
    now += 10_000;
    expect(await reason(svc.getObject(adminA, ref))).toBe('NotFound:object');
    expect((await svc.listObjects(adminA, { projectId: A, container: 'c' })).entries).toEqual([]);
    await svc.expireObject(job!.payload as never);
    expect((await svc.headContainer(adminA, { projectId: A, container: 'c' })).objectCount).toBe(0);
    expect(odb.db.select().from(jobs).all().some((j) => j.name === 'blob.gc')).toBe(true);
  });
});

describe('objects: multipart', () => {
  const ref = { projectId: A, container: 'c', name: 'big' };
  const parts = ['part-one!', 'part-two!', 'last'];

  async function upload() {
    const up = await svc.createMultipartUpload(adminA, ref, { contentType: 'application/x-big', userMetadata: { m: 'v' } });
    const infos = [];
    for (const [i, p] of parts.entries()) infos.push(await svc.uploadPart(adminA, ref, up.uploadId, i + 1, bytes(p)));
    return { up, infos };
  }

  it('completes with the exact S3 ETag and streams the parts in order', async () => {
    const { up, infos } = await upload();
    expect(infos.map((p) => p.etag)).toEqual(parts.map(md5));
    const expected = createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()))).digest('hex') + '-3';
    const done = await svc.completeMultipartUpload(adminA, ref, up.uploadId, infos.map((p) => ({ partNumber: p.partNumber, etag: `"${p.etag}"` })));
    expect(done.etag).toBe(expected);
    const g = await svc.getObject(adminA, ref);
    expect((await readAll(g.body)).toString()).toBe(parts.join(''));
    expect(g.info).toMatchObject({ kind: 'multipart', partsCount: 3, etag: expected, contentType: 'application/x-big', userMetadata: { m: 'v' }, swiftEtag: md5(parts.map(md5).join('')) });
    const p2 = await svc.getObject(adminA, ref, { partNumber: 2 });
    expect(p2.range).toEqual({ start: 9, end: 17, size: 22 });
    expect((await readAll(p2.body)).toString()).toBe('part-two!');
    expect(await reason(svc.getObject(adminA, ref, { partNumber: 4 }))).toBe('Invalid:InvalidPart');
    const r = await svc.getObject(adminA, ref, { range: { start: 7, end: 19 } });
    expect((await readAll(r.body)).toString()).toBe('e!part-two!la');
    // Repeating the Complete answers the same; the parts' blobs now belong to the object.
    expect((await svc.completeMultipartUpload(adminA, ref, up.uploadId, [])).etag).toBe(expected);
    expect(odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc')).toHaveLength(0);
  });

  it('enforces InvalidPart, InvalidPartOrder, EntityTooSmall and MalformedManifest', async () => {
    const { up, infos } = await upload();
    const list = infos.map((p) => ({ partNumber: p.partNumber, etag: p.etag }));
    const done = (ps: typeof list) => reason(svc.completeMultipartUpload(adminA, ref, up.uploadId, ps));
    expect(await done([])).toBe('Invalid:MalformedManifest');
    expect(await done([list[1]!, list[0]!])).toBe('Invalid:InvalidPartOrder');
    expect(await done([{ partNumber: 1, etag: md5('wrong') }])).toBe('Invalid:InvalidPart');
    expect(await done([...list, { partNumber: 9, etag: md5('x') }])).toBe('Invalid:InvalidPart');
    expect(await done([list[2]!, { partNumber: 4, etag: 'x' }])).toBe('Invalid:InvalidPart');
    const small = await svc.uploadPart(adminA, ref, up.uploadId, 4, bytes('tiny'));
    expect(await done([list[2]!, { partNumber: 4, etag: small.etag }])).toBe('Invalid:EntityTooSmall');
  });

  it('deleting a container with uploads in progress (and no objects) drops them; their parts go to blob.gc', async () => {
    const { up } = await upload();
    await svc.deleteContainer(adminA, { projectId: A, container: 'c' });
    const gc = odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc');
    expect(gc.flatMap((j) => (j.payload as { blobKeys: string[] }).blobKeys)).toHaveLength(3);
    expect(await reason(svc.headContainer(adminA, { projectId: A, container: 'c' }))).toBe('NotFound:container');
    await svc.createContainer(adminA, { projectId: A, container: 'c' });
    expect((await svc.listMultipartUploads(adminA, { projectId: A, container: 'c' })).uploads).toEqual([]);
    expect(await reason(svc.uploadPart(adminA, ref, up.uploadId, 1, bytes('x')))).toBe('NotFound:upload');
  });

  it('lists parts and uploads, replaces a re-uploaded part, aborts releasing blobs', async () => {
    const { up } = await upload();
    const again = await svc.uploadPart(adminA, ref, up.uploadId, 2, bytes('part-TWO!'));
    const lp = await svc.listParts(adminA, ref, up.uploadId, { maxParts: 2 });
    expect(lp.parts.map((p) => p.etag)).toEqual([md5('part-one!'), again.etag]);
    expect(lp).toMatchObject({ isTruncated: true, nextPartNumberMarker: 2 });
    const lu = await svc.listMultipartUploads(adminA, { projectId: A, container: 'c' });
    expect(lu.uploads.map((u) => u.uploadId)).toEqual([up.uploadId]);
    await svc.abortMultipartUpload(adminA, ref, up.uploadId);
    const gc = odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc');
    expect(gc.flatMap((j) => (j.payload as { blobKeys: string[] }).blobKeys)).toHaveLength(4);
    expect(await reason(svc.uploadPart(adminA, ref, up.uploadId, 1, bytes('x')))).toBe('NotFound:upload');
    expect(await reason(svc.abortMultipartUpload(adminA, ref, up.uploadId))).toBe('NotFound:upload');
  });

  it('uploadPartCopy copies a source range into a part', async () => {
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'src' }, bytes('0123456789'));
    const up = await svc.createMultipartUpload(adminA, ref);
    const p = await svc.uploadPartCopy(adminA, ref, up.uploadId, 1, { projectId: A, container: 'c', name: 'src' }, { sourceRange: { start: 2, end: 5 } });
    expect(p).toMatchObject({ size: 4, etag: md5('2345') });
    expect(await reason(svc.uploadPartCopy(adminA, ref, up.uploadId, 2, { projectId: A, container: 'c', name: 'src' }, { sourceRange: { start: 5, end: 10 } }))).toBe('Invalid:InvalidRange');
  });
});

describe('objects: SLO and DLO', () => {
  beforeEach(async () => {
    await svc.createContainer(adminA, { projectId: A, container: 'c_segments' });
    for (const [i, s] of ['seg-0-', 'seg-1-', 'seg-2'].entries()) {
      await svc.putObject(adminA, { projectId: A, container: 'c_segments', name: `big/0000000${i}` }, bytes(s));
    }
  });

  it('stores an SLO over existing segments with Swift\'s etag and streams it', async () => {
    const segs = ['seg-0-', 'seg-1-', 'seg-2'].map((s, i) => ({ path: `/c_segments/big/0000000${i}`, etag: md5(s), sizeBytes: s.length }));
    const r = await svc.putSloManifest(adminA, { projectId: A, container: 'c', name: 'slo' }, segs);
    expect(r.swiftEtag).toBe(md5(['seg-0-', 'seg-1-', 'seg-2'].map(md5).join('')));
    const g = await svc.getObject(adminA, { projectId: A, container: 'c', name: 'slo' });
    expect((await readAll(g.body)).toString()).toBe('seg-0-seg-1-seg-2');
    expect(g.info).toMatchObject({ kind: 'slo', size: 17, partsCount: 3 });
    const m = await svc.getSloManifest(adminA, { projectId: A, container: 'c', name: 'slo' });
    expect(m.segments.map((s) => [s.name, s.bytes])).toEqual([
      ['/c_segments/big/00000000', 6],
      ['/c_segments/big/00000001', 6],
      ['/c_segments/big/00000002', 5],
    ]);
    const bad = await svc.putSloManifest(adminA, { projectId: A, container: 'c', name: 'bad' }, [{ path: '/c_segments/missing' }, { path: segs[0]!.path, etag: md5('x') }]).catch((e) => e);
    expect(bad.detail).toMatchObject({ reason: 'ManifestSegmentErrors', errors: [['/c_segments/missing', '404 Not Found'], [segs[0]!.path, 'Etag Mismatch']] });
    const del = await svc.deleteSloManifest(adminA, { projectId: A, container: 'c', name: 'slo' });
    expect(del.deleted).toHaveLength(4);
    expect((await svc.headContainer(adminA, { projectId: A, container: 'c_segments' })).objectCount).toBe(0);
  });

  it('a DLO concatenates the current segments under its prefix at read time', async () => {
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'dlo' }, bytes(''), { dloManifest: 'c_segments/big/' });
    const g = await svc.getObject(adminA, { projectId: A, container: 'c', name: 'dlo' });
    expect((await readAll(g.body)).toString()).toBe('seg-0-seg-1-seg-2');
    expect(g.info).toMatchObject({ kind: 'dlo', size: 17, dloManifest: 'c_segments/big/', swiftEtag: md5(['seg-0-', 'seg-1-', 'seg-2'].map(md5).join('')) });
    await svc.putObject(adminA, { projectId: A, container: 'c_segments', name: 'big/00000003' }, bytes('+'));
    expect((await readAll((await svc.getObject(adminA, { projectId: A, container: 'c', name: 'dlo' })).body)).toString()).toBe('seg-0-seg-1-seg-2+');
    const r = await svc.getObject(adminA, { projectId: A, container: 'c', name: 'dlo' }, { range: { start: 4, end: 8 } });
    expect((await readAll(r.body)).toString()).toBe('0-seg');
  });

  it('lists a DLO as Swift does (0 bytes) unless asked to resolve it, as the S3 face does', async () => {
    await svc.putObject(adminA, { projectId: A, container: 'c', name: 'dlo' }, bytes(''), { dloManifest: 'c_segments/big/' });
    const plain = await svc.listObjects(adminA, { projectId: A, container: 'c' });
    expect(plain.entries).toMatchObject([{ name: 'dlo', size: 0, kind: 'dlo' }]);
    const resolved = await svc.listObjects(adminA, { projectId: A, container: 'c' }, { resolveDynamicManifests: true });
    const etags = ['seg-0-', 'seg-1-', 'seg-2'].map(md5);
    expect(resolved.entries).toMatchObject([{ name: 'dlo', size: 17, swiftEtag: md5(etags.join('')), etag: `${md5(Buffer.concat(etags.map((e) => Buffer.from(e, 'hex'))))}-3` }]);
    const head = await svc.headObject(adminA, { projectId: A, container: 'c', name: 'dlo' });
    expect(resolved.entries[0]).toMatchObject({ size: head.info.size, etag: head.info.etag });
  });
});
