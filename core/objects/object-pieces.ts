// The blob runs (pieces) an object's bytes are read from: its own blob, a multipart/SLO manifest, or a DLO resolved now.
import { and, asc, eq, sql } from 'drizzle-orm';
import { objContainers, objObjects } from '../db/schema/objects.js';
import { compareBytes, parseDloManifest, prefixUpperBound } from './rules.js';
import type { ContainerRow, ObjectRow, ObjectStoreContext } from './store-context.js';
import type { Piece } from './streams.js';

/** The pieces (blob runs) making up an object, with part boundaries; DLOs are resolved now. */
export function resolvePieces(store: ObjectStoreContext, c: ContainerRow, row: ObjectRow, depth = 0): { pieces: Array<Piece & { partNumber: number; etag: string }>; size: number; etags: string[] } {
  if (row.kind === 'dlo') {
    if (depth > 0) return { pieces: [], size: 0, etags: [] };
    const { container: segContainer, prefix } = parseDloManifest(row.dloManifest ?? '');
    const sc = store.db.select().from(objContainers).where(and(eq(objContainers.projectId, c.projectId), eq(objContainers.name, segContainer))).get();
    const pieces: Array<Piece & { partNumber: number; etag: string }> = [];
    const etags: string[] = [];
    let size = 0;
    if (sc) {
      const now = store.now();
      const segs = store.db
        .select()
        .from(objObjects)
        .where(
          and(
            eq(objObjects.containerId, sc.id),
            sql`${objObjects.name} >= ${prefix}`,
            prefix ? sql`${objObjects.name} < CAST(${prefixUpperBound(prefix)} AS TEXT)` : undefined,
          ),
        )
        .orderBy(asc(objObjects.name))
        .all()
        .filter((s) => s.name.startsWith(prefix) && (s.deleteAt === null || s.deleteAt > now) && !(sc.id === row.containerId && s.name === row.name));
      segs.sort((a, b) => compareBytes(a.name, b.name));
      segs.forEach((s, i) => {
        const sub = resolvePieces(store, sc, s, depth + 1);
        for (const p of sub.pieces) pieces.push({ ...p, partNumber: i + 1 });
        size += sub.size;
        etags.push(s.etag);
      });
    }
    return { pieces, size, etags };
  }
  if (row.manifest) {
    const pieces = row.manifest.map((e) => ({ blobKey: e.blobKey, offset: e.offset, size: e.size, partNumber: e.partNumber, etag: e.etag, cipher: e.cipher }));
    return { pieces, size: row.size, etags: [] };
  }
  return storedPieces(row);
}

/** The row's own blob as one piece (a simple object, or a DLO manifest read as itself). */
export function storedPieces(row: ObjectRow): { pieces: Array<Piece & { partNumber: number; etag: string }>; size: number; etags: string[] } {
  return { pieces: [{ blobKey: row.blobKey!, offset: 0, size: row.size, partNumber: 1, etag: row.etag, cipher: row.encryption?.cipher }], size: row.size, etags: [row.etag] };
}
