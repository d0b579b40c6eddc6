// The blob auditor over the real object service: old orphans go through blob.gc; objects, copies, parts of open uploads and young blobs stay.
import { gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import { objBlobRefs } from '../../core/db/schema/objects.js';
import { InlineBlobStore, isInlineKey } from '../../core/objects/inline-blobs.js';
import { rawS3, startS3Server, type RawRequest, type S3TestServer } from './s3-server.js';

const HOUR = 3_600_000;
const B = 'audited';
let clock = Date.now();
const blobs = new MemoryBlobStore({ now: () => clock });
let srv: S3TestServer;
type Req = Omit<RawRequest, 'access' | 'secret'>;
const s3 = (r: Req) => rawS3(srv.url, { access: srv.admin.access, secret: srv.admin.secret, ...r });

/** Every blob the object service stores: the backend's and the small ones kept inline in the database. */
const stored = async () => {
  const keys: string[] = [];
  for await (const k of srv.sys.blobs.list()) keys.push(k);
  return keys.sort();
};
const referenced = () =>
  srv.sys.db.db
    .select({ k: objBlobRefs.blobKey })
    .from(objBlobRefs)
    .where(gt(objBlobRefs.refs, 0))
    .all()
    .map((r) => r.k)
    .sort();

beforeAll(async () => {
  srv = await startS3Server({}, { blobStore: blobs });
}, 60_000);

afterAll(async () => {
  await srv?.close();
});

describe('blob auditor', () => {
  it('removes old unreferenced blobs only, through blob.gc, and every object still reads back', async () => {
    expect((await s3({ method: 'PUT', path: `/${B}` })).status).toBe(200);
    expect((await s3({ method: 'PUT', path: `/${B}/one`, body: 'first object' })).status).toBe(200);
    expect((await s3({ method: 'PUT', path: `/${B}/two`, body: 'second object' })).status).toBe(200);
    expect((await s3({ method: 'PUT', path: `/${B}/copy`, headers: { 'x-amz-copy-source': `/${B}/one` } })).status).toBe(200);
    const init = await (await s3({ method: 'POST', path: `/${B}/open-upload`, query: { uploads: '' } })).text();
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init)![1]!;
    const part = await s3({ method: 'PUT', path: `/${B}/open-upload`, query: { partNumber: '1', uploadId }, body: 'part of an upload still open' });
    expect(part.status).toBe(200);
    // What a crash between a blob landing and its metadata committing leaves behind.
    await blobs.put('orphan-from-a-crash', new Blob(['nobody points here']).stream());
    // An inline blob whose last reference went without its blob.gc job (a lost job): the audit finds it too.
    const lostInline = InlineBlobStore.newKey();
    srv.sys.blobs.insert(srv.sys.db.db, lostInline, Buffer.from('unreferenced inline bytes'));
    clock += 2 * HOUR;
    // A blob written just now whose metadata has not committed yet: the grace period protects it.
    await blobs.put('write-in-progress', new Blob(['about to be committed']).stream());

    const before = referenced();
    expect(before.filter(isInlineKey).length, 'the small objects and the part are stored inline').toBe(3);
    expect(await stored()).toEqual([...before, 'orphan-from-a-crash', 'write-in-progress', lostInline].sort());
    await srv.sys.queue.enqueue('blob.audit', { cutoff: clock - HOUR });
    await srv.sys.queue.drain();
    expect(await stored()).toEqual([...before, 'write-in-progress'].sort());
    expect(referenced()).toEqual(before);

    for (const [key, want] of [
      ['one', 'first object'],
      ['two', 'second object'],
      ['copy', 'first object'],
    ]) {
      expect(await (await s3({ method: 'GET', path: `/${B}/${key}` })).text()).toBe(want);
    }
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get('etag')}</ETag></Part></CompleteMultipartUpload>`;
    expect((await s3({ method: 'POST', path: `/${B}/open-upload`, query: { uploadId }, body })).status).toBe(200);
    expect(await (await s3({ method: 'GET', path: `/${B}/open-upload` })).text()).toBe('part of an upload still open');
  });
});
