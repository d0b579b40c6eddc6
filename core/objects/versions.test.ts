// Object versions in core: obj_versions mirrors obj_objects, Swift archive names, counters, GC jobs and the S3/Swift exclusivity rule.
import { getTableColumns } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- the unit test wires the real memory backend, as the composition root does
import { MemoryBlobStore } from '../../backends/blob/memory-blob-store.js';
import type { RequestContext } from '../context.js';
import { type OpenDb } from '../db/index.js';
import { openTestDatabase } from '../db/testing.js';
import { projects } from '../db/schema/identity.js';
import { jobs } from '../db/schema/jobs.js';
import { objObjects, objVersions } from '../db/schema/objects.js';
import { silentLogger } from '../logger.js';
import { ObjectService } from './object-service.js';
import { bytes, reason } from './test-support.js';
import { swiftArchiveName } from './versions.js';

const A = 'proj-a';
const admin: RequestContext = {
  requestId: 'req',
  auth: { userId: 'u', userName: 'u', userDomainId: 'default', projectId: A, projectName: A, roles: ['admin', 'member', 'reader'], roleIds: [], methods: ['password'], issuedAt: 0, expiresAt: Date.now() + 3600_000 },
};
const ref = (container: string) => ({ projectId: A, container });
const obj = (container: string, name: string) => ({ projectId: A, container, name });

let odb: OpenDb;
let svc: ObjectService;
let now: number;

beforeEach(async () => {
  odb = openTestDatabase();
  now = 1_700_000_000_000;
  svc = new ObjectService({ db: odb.db, blobs: new MemoryBlobStore(), logger: silentLogger, region: 'RegionOne', clock: { now: () => now } });
  odb.db.insert(projects).values({ id: A, name: A, domainId: 'default', createdAt: 0 }).run();
  await svc.createContainer(admin, ref('c'));
});
afterEach(() => odb.close());

describe('object versions', () => {
  it('obj_versions has every obj_objects column with the same SQL name and type (plus seq and delete_marker)', () => {
    const cols = (t: typeof objObjects | typeof objVersions) =>
      Object.fromEntries(Object.entries(getTableColumns(t)).map(([k, c]) => [k, `${c.name}:${c.columnType}:${c.notNull}`]));
    const { seq, deleteMarker, ...noncurrent } = cols(objVersions);
    expect(seq).toBeDefined();
    expect(deleteMarker).toBeDefined();
    expect(noncurrent).toEqual(cols(objObjects));
  });

  it('names Swift archive entries <len(name) in 3 hex digits><name>/<timestamp in 10 µs ticks>', () => {
    expect(swiftArchiveName('photo.jpg', 1440619048461)).toBe('009photo.jpg/1440619048.46100');
    expect(swiftArchiveName('é', 1000, 3)).toBe('002é/0000000001.00003');
  });

  it('counts only current versions in the container counters; a version deleted for good goes to blob.gc', async () => {
    await svc.updateContainer(admin, ref('c'), { versioning: 'Enabled' });
    const v1 = await svc.putObject(admin, obj('c', 'k'), bytes('aaaa'));
    now += 1;
    await svc.putObject(admin, obj('c', 'k'), bytes('bb'));
    expect(await svc.headContainer(admin, ref('c'))).toMatchObject({ objectCount: 1, bytesUsed: 2 });
    expect(odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc')).toHaveLength(0);
    const d = await svc.deleteObject(admin, obj('c', 'k'));
    expect(d).toMatchObject({ existed: true, deleteMarker: true });
    expect(await svc.headContainer(admin, ref('c'))).toMatchObject({ objectCount: 0, bytesUsed: 0 });
    await svc.deleteObject(admin, obj('c', 'k'), { versionId: v1.s3VersionId });
    expect(odb.db.select().from(jobs).all().filter((j) => j.name === 'blob.gc')).toHaveLength(1);
  });

  it('restores an earlier version as current, keeping its id; the replaced one stays a noncurrent version', async () => {
    await svc.updateContainer(admin, ref('c'), { versioning: 'Enabled' });
    const v1 = await svc.putObject(admin, obj('c', 'k'), bytes('aaaa'));
    now += 1;
    const v2 = await svc.putObject(admin, obj('c', 'k'), bytes('bb'));
    const info = await svc.restoreObjectVersion(admin, obj('c', 'k'), { versionId: v1.s3VersionId! });
    expect(info).toMatchObject({ s3VersionId: v1.s3VersionId, size: 4 });
    expect(await svc.headContainer(admin, ref('c'))).toMatchObject({ objectCount: 1, bytesUsed: 4 });
    const listing = await svc.listObjectVersions(admin, ref('c'));
    expect(listing.entries.map((e) => (e.type === 'prefix' ? e.prefix : [e.versionId, e.isLatest, e.contentType]))).toEqual([
      [v1.s3VersionId, true, 'application/octet-stream'],
      [v2.s3VersionId, false, 'application/octet-stream'],
    ]);
    const marker = await svc.deleteObject(admin, obj('c', 'k'));
    expect(await reason(svc.restoreObjectVersion(admin, obj('c', 'k'), { versionId: marker.versionId! }))).toBe('InvalidState:DeleteMarker');
    expect(await reason(svc.restoreObjectVersion(admin, obj('c', 'k'), { versionId: 'f'.repeat(32) }))).toBe('NotFound:version');
  });

  it('S3 versioning and Swift versioned writes exclude each other on one container', async () => {
    await svc.createContainer(admin, ref('archive'));
    await svc.updateContainer(admin, ref('c'), { swiftVersions: { location: 'archive', mode: 'stack' } });
    expect(await reason(svc.updateContainer(admin, ref('c'), { versioning: 'Enabled' }))).toBe('Conflict:VersioningConflict');
    await svc.createContainer(admin, ref('s3'));
    await svc.updateContainer(admin, ref('s3'), { versioning: 'Enabled' });
    expect(await reason(svc.updateContainer(admin, ref('s3'), { swiftVersions: { location: 'archive', mode: 'history' } }))).toBe('Conflict:VersioningConflict');
    expect(await reason(svc.updateContainer(admin, ref('archive'), { swiftVersions: { location: 'archive', mode: 'stack' } }))).toBe('Invalid:InvalidArgument');
    await svc.createContainer(admin, ref('both'));
    expect(await reason(svc.updateContainer(admin, ref('both'), { versioning: 'Enabled', swiftVersions: { location: 'archive', mode: 'stack' } }))).toBe('Conflict:VersioningConflict');
  });
});
