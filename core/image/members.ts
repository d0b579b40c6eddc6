// Image members: the owner shares a `shared` image with a project, which accepts or rejects it.
import { and, asc, count, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { imgMembers } from '../db/schema/image.js';
import { errors } from '../errors.js';
import { isAdmin, requireRule, visibleRow, type ImageContext } from './context.js';
import type { ImageMember, MemberStatus } from './types.js';

/** Most members an image may have (Glance `image_member_quota`). */
const MAX_MEMBERS = 128;
const STATUSES: readonly MemberStatus[] = ['pending', 'accepted', 'rejected'];

type MemberRow = typeof imgMembers.$inferSelect;
const toMember = (m: MemberRow): ImageMember => ({ ...m, status: m.status as MemberStatus });

function sharedRow(ic: ImageContext, ctx: RequestContext, id: string) {
  requireRule(ctx, 'get_image');
  const row = visibleRow(ic, ctx, id);
  if (row.visibility !== 'shared') throw errors.forbidden('Only shared images have members.', { reason: 'not-shared' });
  return row;
}

const isOwner = (ctx: RequestContext, owner: string | null) => isAdmin(ctx) || (!!ctx.auth?.projectId && ctx.auth.projectId === owner);

/** Shares image `id` with project `member` (status pending). The owner's members only; 409 when already a member. */
export function addMember(ic: ImageContext, ctx: RequestContext, id: string, member: string): ImageMember {
  const row = sharedRow(ic, ctx, id);
  requireRule(ctx, 'add_member', row.owner, 'You are not permitted to add members to this image.');
  if (typeof member !== 'string' || member.length === 0 || member.length > 255) throw errors.invalid('Provided object does not match schema \'member\': member must be a string of 1 to 255 characters');
  const now = ic.now();
  return ic.db.transaction((tx) => {
    if (tx.select().from(imgMembers).where(and(eq(imgMembers.imageId, id), eq(imgMembers.member, member))).get()) {
      throw errors.conflict('member', `Member ${member} already associated with image ${id}.`, { reason: 'duplicate' });
    }
    const n = Number(tx.select({ n: count() }).from(imgMembers).where(eq(imgMembers.imageId, id)).get()?.n ?? 0);
    if (n + 1 > MAX_MEMBERS) throw errors.quota(`Maximum number of image members exceeded by 1`, { reason: 'members' });
    const m: MemberRow = { imageId: id, member, status: 'pending', createdAt: now, updatedAt: now };
    tx.insert(imgMembers).values(m).run();
    return toMember(m);
  });
}

/** The image's members: all of them to the owner, only the caller's own row to a member. */
export function listMembers(ic: ImageContext, ctx: RequestContext, id: string): ImageMember[] {
  const row = sharedRow(ic, ctx, id);
  requireRule(ctx, 'get_members', row.owner);
  const rows = ic.db.select().from(imgMembers).where(eq(imgMembers.imageId, id)).orderBy(asc(imgMembers.createdAt), asc(imgMembers.member)).all();
  return (isOwner(ctx, row.owner) ? rows : rows.filter((m) => m.member === ctx.auth?.projectId)).map(toMember);
}

/** One member; 404 to anyone but the owner and that member. */
export function getMember(ic: ImageContext, ctx: RequestContext, id: string, member: string): ImageMember {
  const row = sharedRow(ic, ctx, id);
  requireRule(ctx, 'get_member', row.owner);
  const m = ic.db.select().from(imgMembers).where(and(eq(imgMembers.imageId, id), eq(imgMembers.member, member))).get();
  if (!m || !(isOwner(ctx, row.owner) || ctx.auth?.projectId === member)) throw errors.notFound('member', member, `${member} is not a member of image ${id}`);
  return toMember(m);
}

/** The member project accepts, rejects or resets its membership; nobody else may (not even the owner). */
export function updateMember(ic: ImageContext, ctx: RequestContext, id: string, member: string, status: string): ImageMember {
  const row = sharedRow(ic, ctx, id);
  const m = ic.db.select().from(imgMembers).where(and(eq(imgMembers.imageId, id), eq(imgMembers.member, member))).get();
  if (!m || !(isOwner(ctx, row.owner) || ctx.auth?.projectId === member)) throw errors.notFound('member', member, `${member} is not a member of image ${id}`);
  if (!(STATUSES as readonly string[]).includes(status)) throw errors.invalid(`Provided object does not match schema 'member': '${status}' is not one of ['pending', 'accepted', 'rejected']`);
  if (ctx.auth?.projectId !== member) throw errors.forbidden(`You are not permitted to modify 'status' on this image member.`, { reason: 'not-member' });
  requireRule(ctx, 'modify_member', member);
  const now = ic.now();
  ic.db
    .update(imgMembers)
    .set({ status, updatedAt: now })
    .where(and(eq(imgMembers.imageId, id), eq(imgMembers.member, member)))
    .run();
  return { ...toMember(m), status: status as MemberStatus, updatedAt: now };
}

/** The owner stops sharing with `member`. */
export function deleteMember(ic: ImageContext, ctx: RequestContext, id: string, member: string): void {
  const row = sharedRow(ic, ctx, id);
  requireRule(ctx, 'delete_member', row.owner, 'You are not permitted to remove members from this image.');
  const r = ic.db.delete(imgMembers).where(and(eq(imgMembers.imageId, id), eq(imgMembers.member, member))).run();
  if (r.changes === 0) throw errors.notFound('member', member, `${member} is not a member of image ${id}`);
}
