// Keystone groups and group membership; removing a member revokes the tokens that membership may have granted.
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { groupMembers, groups, roleAssignments, users } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import { authorize, seesAll } from '../policy/index.js';
import { duplicate, mustGetDomain, newId, type GroupRow } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';
import type { UserRow } from './users.js';

export type { GroupRow } from './lookup.js';

/** Fields of `POST /v3/groups`. */
export interface GroupCreate {
  name: string;
  domainId?: string;
  description?: string;
}

/** Groups of users, which can hold role grants. */
export class GroupsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** `POST /v3/groups` (`identity:create_group`). */
  create(ctx: RequestContext, input: GroupCreate): GroupRow {
    const domainId = input.domainId ?? ctx.auth?.domainId ?? ctx.auth?.projectDomainId ?? ctx.auth?.userDomainId ?? 'default';
    authorize(ctx, 'identity:create_group', { domainId });
    mustGetDomain(this.deps.db, domainId);
    if (this.deps.db.select({ id: groups.id }).from(groups).where(and(eq(groups.domainId, domainId), eq(groups.name, input.name))).get()) {
      throw duplicate('group', input.name, domainId);
    }
    const row: GroupRow = { id: newId(), name: input.name, domainId, description: input.description ?? '', createdAt: this.deps.clock.now() };
    this.deps.db.insert(groups).values(row).run();
    return row;
  }

  /** `GET /v3/groups` (`identity:list_groups`), filtered by `name` and `domain_id`. */
  list(ctx: RequestContext, filter: { name?: string; domainId?: string } = {}): GroupRow[] {
    const domainId = seesAll(ctx) ? filter.domainId : (filter.domainId ?? ctx.auth?.domainId);
    authorize(ctx, 'identity:list_groups', { domainId });
    const where: SQL[] = [];
    if (domainId) where.push(eq(groups.domainId, domainId));
    if (filter.name !== undefined) where.push(eq(groups.name, filter.name));
    return this.deps.db.select().from(groups).where(and(...where)).orderBy(groups.name).all();
  }

  /** `GET /v3/groups/{id}`. */
  get(ctx: RequestContext, id: string): GroupRow {
    const row = this.find(id);
    authorize(ctx, 'identity:get_group', { domainId: row?.domainId });
    if (!row) throw errors.notFound('group', id);
    return row;
  }

  /** `PATCH /v3/groups/{id}`. */
  update(ctx: RequestContext, id: string, patch: { name?: string; description?: string }): GroupRow {
    const current = this.find(id);
    authorize(ctx, 'identity:update_group', { domainId: current?.domainId });
    if (!current) throw errors.notFound('group', id);
    const next = { ...current };
    if (patch.name !== undefined && patch.name !== current.name) {
      if (this.deps.db.select({ id: groups.id }).from(groups).where(and(eq(groups.domainId, current.domainId), eq(groups.name, patch.name))).get()) {
        throw duplicate('group', patch.name, current.domainId);
      }
      next.name = patch.name;
    }
    if (patch.description !== undefined) next.description = patch.description;
    this.deps.db.update(groups).set(next).where(eq(groups.id, id)).run();
    return next;
  }

  /** `DELETE /v3/groups/{id}`: its grants go too, and its members' tokens are revoked. */
  delete(ctx: RequestContext, id: string): void {
    const current = this.find(id);
    authorize(ctx, 'identity:delete_group', { domainId: current?.domainId });
    if (!current) throw errors.notFound('group', id);
    const members = this.memberIds(id);
    const hadGrants = this.hasGrants(id);
    this.deps.db.transaction((tx) => {
      tx.delete(roleAssignments).where(and(inArray(roleAssignments.type, ['GroupProject', 'GroupDomain', 'GroupSystem']), eq(roleAssignments.actorId, id))).run();
      tx.delete(groupMembers).where(eq(groupMembers.groupId, id)).run();
      tx.delete(groups).where(eq(groups.id, id)).run();
    });
    if (hadGrants) for (const userId of members) this.revoker.revoke({ userId });
  }

  /** `PUT /v3/groups/{g}/users/{u}` (`identity:add_user_to_group`). */
  addUser(ctx: RequestContext, groupId: string, userId: string): void {
    const g = this.find(groupId);
    authorize(ctx, 'identity:add_user_to_group', { domainId: g?.domainId, userId });
    if (!g) throw errors.notFound('group', groupId);
    this.mustGetUser(userId);
    this.deps.db.insert(groupMembers).values({ groupId, userId }).onConflictDoNothing().run();
    this.revoker.granted();
  }

  /** `HEAD`/`GET /v3/groups/{g}/users/{u}`: 404 when the user is not a member. */
  checkUser(ctx: RequestContext, groupId: string, userId: string): void {
    const g = this.find(groupId);
    authorize(ctx, 'identity:check_user_in_group', { domainId: g?.domainId, userId });
    if (!g) throw errors.notFound('group', groupId);
    this.mustGetUser(userId);
    if (!this.isMember(groupId, userId)) {
      throw errors.notFound('group membership', userId, `User '${userId}' not found in group '${groupId}'`);
    }
  }

  /** `DELETE /v3/groups/{g}/users/{u}`; revokes the user's tokens when the group held grants. */
  removeUser(ctx: RequestContext, groupId: string, userId: string): void {
    const g = this.find(groupId);
    authorize(ctx, 'identity:remove_user_from_group', { domainId: g?.domainId, userId });
    if (!g) throw errors.notFound('group', groupId);
    this.mustGetUser(userId);
    if (!this.isMember(groupId, userId)) {
      throw errors.notFound('group membership', userId, `User '${userId}' not found in group '${groupId}'`);
    }
    this.deps.db.delete(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId))).run();
    if (this.hasGrants(groupId)) this.revoker.revoke({ userId });
  }

  /** `GET /v3/groups/{g}/users`. */
  listUsers(ctx: RequestContext, groupId: string): UserRow[] {
    const g = this.find(groupId);
    authorize(ctx, 'identity:list_users_in_group', { domainId: g?.domainId });
    if (!g) throw errors.notFound('group', groupId);
    const ids = this.memberIds(groupId);
    if (!ids.length) return [];
    return this.deps.db.select().from(users).where(inArray(users.id, ids)).orderBy(users.name).all();
  }

  /** `GET /v3/users/{u}/groups` (`identity:list_groups_for_user`): also the user itself. */
  listForUser(ctx: RequestContext, userId: string): GroupRow[] {
    const user = this.deps.db.select().from(users).where(eq(users.id, userId)).get();
    authorize(ctx, 'identity:list_groups_for_user', { userId, domainId: user?.domainId });
    if (!user) throw errors.notFound('user', userId);
    const ids = this.deps.db.select({ g: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId)).all().map((r) => r.g);
    if (!ids.length) return [];
    return this.deps.db.select().from(groups).where(inArray(groups.id, ids)).orderBy(groups.name).all();
  }

  private find(id: string): GroupRow | undefined {
    return this.deps.db.select().from(groups).where(eq(groups.id, id)).get();
  }

  private mustGetUser(id: string): void {
    if (!this.deps.db.select({ id: users.id }).from(users).where(eq(users.id, id)).get()) throw errors.notFound('user', id);
  }

  private isMember(groupId: string, userId: string): boolean {
    return !!this.deps.db.select().from(groupMembers).where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId))).get();
  }

  private memberIds(groupId: string): string[] {
    return this.deps.db.select({ u: groupMembers.userId }).from(groupMembers).where(eq(groupMembers.groupId, groupId)).all().map((r) => r.u);
  }

  private hasGrants(groupId: string): boolean {
    return !!this.deps.db.select({ r: roleAssignments.roleId }).from(roleAssignments).where(eq(roleAssignments.actorId, groupId)).get();
  }
}
