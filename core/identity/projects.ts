// Keystone projects: CRUD with hierarchy (parent_id), tags and list filters; disabling or deleting revokes tokens.
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { catalogProjectEndpointGroups, catalogProjectEndpoints } from '../db/schema/catalog.js';
import { applicationCredentials, credentials, domains, projects, roleAssignments } from '../db/schema/identity.js';
import { assertJsonDepth } from '../bounded-json.js';
import { CoreError, errors } from '../errors.js';
import { authorize, seesAll } from '../policy/index.js';
import { duplicate, mustGetDomain, newId, type ProjectRow, EXTRA_TOO_DEEP } from './lookup.js';
import type { IdentityDeps, Revoker } from './ports.js';

export type { ProjectRow } from './lookup.js';

/** Fields of `POST /v3/projects`. */
export interface ProjectCreate {
  name: string;
  domainId?: string;
  /** A project id, or a domain id (meaning: top level in that domain), as Keystone accepts. */
  parentId?: string | null;
  description?: string;
  enabled?: boolean;
  isDomain?: boolean;
  tags?: string[];
  extra?: Record<string, unknown>;
}

/** Fields of `PATCH /v3/projects/{id}`; `domainId`/`parentId`/`isDomain` only to refuse changes as Keystone does. */
export type ProjectUpdate = Partial<ProjectCreate>;

/** `GET /v3/projects` filters; the tag filters are Keystone's `tags`, `tags-any`, `not-tags`, `not-tags-any`. */
export interface ProjectFilter {
  name?: string;
  domainId?: string;
  enabled?: boolean;
  parentId?: string;
  isDomain?: boolean;
  tags?: string[];
  tagsAny?: string[];
  notTags?: string[];
  notTagsAny?: string[];
}

const MAX_TAGS = 80;

/** Keystone's tag rules: 1–255 characters, no `/` or `,`; at most 80 per project. */
export function validateTags(tags: string[]): string[] {
  for (const t of tags) {
    if (typeof t !== 'string' || t.length === 0 || t.length > 255) throw errors.invalid(`Invalid input for field 'tags': tag '${String(t)}' must be 1 to 255 characters long.`);
    if (t.includes('/') || t.includes(',')) throw errors.invalid(`Invalid input for field 'tags': tag '${t}' must not contain '/' or ','.`);
  }
  const unique = [...new Set(tags)];
  if (unique.length > MAX_TAGS) throw errors.invalid(`Invalid input for field 'tags': a project may have at most ${MAX_TAGS} tags.`);
  return unique;
}

/** Projects and their tags. */
export class ProjectsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** `POST /v3/projects` (`identity:create_project`). */
  create(ctx: RequestContext, input: ProjectCreate): ProjectRow {
    const { db } = this.deps;
    let parent: ProjectRow | undefined;
    let domainId = input.domainId;
    if (input.parentId) {
      parent = db.select().from(projects).where(eq(projects.id, input.parentId)).get();
      if (!parent) {
        const asDomain = db.select({ id: domains.id }).from(domains).where(eq(domains.id, input.parentId)).get();
        if (!asDomain) throw errors.notFound('project', input.parentId);
        domainId ??= asDomain.id;
        if (domainId !== asDomain.id) throw errors.invalid('The project parent must be in the same domain as the project.');
      } else {
        domainId ??= parent.domainId;
        if (domainId !== parent.domainId) throw errors.forbidden('Cannot create project, since its parent (' + parent.id + ') is in a different domain.');
      }
    }
    domainId ??= ctx.auth?.domainId ?? ctx.auth?.projectDomainId ?? ctx.auth?.userDomainId ?? 'default';
    authorize(ctx, 'identity:create_project', { domainId });
    // Projects acting as domains are not served: NotImplemented (501), not a client error.
    if (input.isDomain) throw new CoreError('NotImplemented', 'The action you have requested has not been implemented.', { reason: 'is_domain' });
    assertJsonDepth(input.extra, EXTRA_TOO_DEEP);
    mustGetDomain(db, domainId);
    if (parent && !this.branchEnabled(parent)) {
      throw errors.forbidden(`cannot create a project in a branch containing a disabled project: ${parent.id}`);
    }
    const row: ProjectRow = {
      id: newId(),
      name: input.name,
      domainId,
      parentId: parent?.id ?? null,
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      tags: validateTags(input.tags ?? []),
      extra: input.extra ?? {},
      createdAt: this.deps.clock.now(),
    };
    db.transaction((tx) => {
      if (tx.select({ id: projects.id }).from(projects).where(and(eq(projects.domainId, domainId!), eq(projects.name, input.name))).get()) {
        throw duplicate('project', input.name, domainId);
      }
      tx.insert(projects).values(row).run();
    });
    return row;
  }

  /** `GET /v3/projects` (`identity:list_projects`); non-admin readers see their own domain's projects only. */
  list(ctx: RequestContext, f: ProjectFilter = {}): ProjectRow[] {
    const domainId = seesAll(ctx) ? f.domainId : (f.domainId ?? ctx.auth?.domainId);
    authorize(ctx, 'identity:list_projects', { domainId });
    if (f.isDomain) return [];
    const where: SQL[] = [];
    if (domainId) where.push(eq(projects.domainId, domainId));
    if (f.name !== undefined) where.push(eq(projects.name, f.name));
    if (f.enabled !== undefined) where.push(eq(projects.enabled, f.enabled));
    let rows = this.deps.db.select().from(projects).where(and(...where)).orderBy(projects.name).all();
    if (f.parentId !== undefined) rows = rows.filter((p) => (p.parentId ?? p.domainId) === f.parentId);
    if (f.tags?.length) rows = rows.filter((p) => f.tags!.every((t) => p.tags.includes(t)));
    if (f.tagsAny?.length) rows = rows.filter((p) => f.tagsAny!.some((t) => p.tags.includes(t)));
    if (f.notTags?.length) rows = rows.filter((p) => !f.notTags!.every((t) => p.tags.includes(t)));
    if (f.notTagsAny?.length) rows = rows.filter((p) => !f.notTagsAny!.some((t) => p.tags.includes(t)));
    return rows;
  }

  /** `GET /v3/projects/{id}` (`identity:get_project`): admins, domain readers, and tokens scoped to it. */
  get(ctx: RequestContext, id: string): ProjectRow {
    const row = this.deps.db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, 'identity:get_project', { projectId: id, domainId: row?.domainId });
    if (!row) throw errors.notFound('project', id);
    return row;
  }

  /** `PATCH /v3/projects/{id}`; disabling revokes the project's tokens. */
  update(ctx: RequestContext, id: string, patch: ProjectUpdate): ProjectRow {
    const { db } = this.deps;
    const current = db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, 'identity:update_project', { projectId: id, domainId: current?.domainId });
    if (!current) throw errors.notFound('project', id);
    if (patch.domainId !== undefined && patch.domainId !== current.domainId) throw errors.invalid('Cannot change Domain ID');
    if (patch.parentId !== undefined && patch.parentId !== (current.parentId ?? current.domainId)) throw errors.forbidden('Update of `parent_id` is not allowed.');
    if (patch.isDomain) throw errors.invalid('Update of `is_domain` is not allowed.');
    const next = { ...current };
    if (patch.name !== undefined && patch.name !== current.name) {
      if (db.select({ id: projects.id }).from(projects).where(and(eq(projects.domainId, current.domainId), eq(projects.name, patch.name))).get()) {
        throw duplicate('project', patch.name, current.domainId);
      }
      next.name = patch.name;
    }
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.tags !== undefined) next.tags = validateTags(patch.tags);
    assertJsonDepth(patch.extra, EXTRA_TOO_DEEP);
    if (patch.extra !== undefined) next.extra = { ...current.extra, ...patch.extra };
    db.update(projects).set(next).where(eq(projects.id, id)).run();
    if (current.enabled && !next.enabled) this.revoker.revoke({ projectId: id });
    return next;
  }

  /** `DELETE /v3/projects/{id}`: only a leaf; its grants, credentials and endpoint associations go too, and its tokens are revoked. */
  delete(ctx: RequestContext, id: string): void {
    const { db } = this.deps;
    const current = db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, 'identity:delete_project', { projectId: id, domainId: current?.domainId });
    if (!current) throw errors.notFound('project', id);
    if (db.select({ id: projects.id }).from(projects).where(eq(projects.parentId, id)).get()) {
      throw errors.forbidden(`Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`);
    }
    db.transaction((tx) => {
      tx.delete(roleAssignments).where(and(inArray(roleAssignments.type, ['UserProject', 'GroupProject']), eq(roleAssignments.targetId, id))).run();
      tx.delete(applicationCredentials).where(eq(applicationCredentials.projectId, id)).run();
      tx.delete(credentials).where(eq(credentials.projectId, id)).run();
      // Its OS-EP-FILTER associations go with it, as Keystone's project-deleted callback removes them.
      tx.delete(catalogProjectEndpoints).where(eq(catalogProjectEndpoints.projectId, id)).run();
      tx.delete(catalogProjectEndpointGroups).where(eq(catalogProjectEndpointGroups.projectId, id)).run();
      tx.delete(projects).where(eq(projects.id, id)).run();
    });
    this.revoker.revoke({ projectId: id });
  }

  /** `GET /v3/projects/{id}/tags`. */
  listTags(ctx: RequestContext, id: string): string[] {
    const row = this.deps.db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, 'identity:list_project_tags', { projectId: id, domainId: row?.domainId });
    if (!row) throw errors.notFound('project', id);
    return row.tags;
  }

  /** `GET`/`HEAD /v3/projects/{id}/tags/{tag}`: 404 when the project lacks the tag. */
  checkTag(ctx: RequestContext, id: string, tag: string): void {
    const row = this.deps.db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, 'identity:get_project_tag', { projectId: id, domainId: row?.domainId });
    if (!row) throw errors.notFound('project', id);
    if (!row.tags.includes(tag)) throw errors.notFound('project tag', tag, `Could not find project tag: ${tag}.`);
  }

  /** `PUT /v3/projects/{id}/tags/{tag}`. */
  addTag(ctx: RequestContext, id: string, tag: string): string[] {
    const row = this.tagWritable(ctx, id, 'identity:create_project_tag');
    const tags = validateTags([...row.tags, tag]);
    this.deps.db.update(projects).set({ tags }).where(eq(projects.id, id)).run();
    return tags;
  }

  /** `PUT /v3/projects/{id}/tags` with `{"tags":[...]}`: replaces every tag. */
  replaceTags(ctx: RequestContext, id: string, tags: string[]): string[] {
    this.tagWritable(ctx, id, 'identity:update_project_tags');
    const next = validateTags(tags);
    this.deps.db.update(projects).set({ tags: next }).where(eq(projects.id, id)).run();
    return next;
  }

  /** `DELETE /v3/projects/{id}/tags/{tag}`. */
  deleteTag(ctx: RequestContext, id: string, tag: string): void {
    const row = this.tagWritable(ctx, id, 'identity:delete_project_tag');
    if (!row.tags.includes(tag)) throw errors.notFound('project tag', tag, `Could not find project tag: ${tag}.`);
    this.deps.db.update(projects).set({ tags: row.tags.filter((t) => t !== tag) }).where(eq(projects.id, id)).run();
  }

  /** `DELETE /v3/projects/{id}/tags`. */
  deleteTags(ctx: RequestContext, id: string): void {
    this.tagWritable(ctx, id, 'identity:delete_project_tags');
    this.deps.db.update(projects).set({ tags: [] }).where(eq(projects.id, id)).run();
  }

  private tagWritable(ctx: RequestContext, id: string, action: string): ProjectRow {
    const row = this.deps.db.select().from(projects).where(eq(projects.id, id)).get();
    authorize(ctx, action, { projectId: id, domainId: row?.domainId });
    if (!row) throw errors.notFound('project', id);
    return row;
  }

  private branchEnabled(p: ProjectRow): boolean {
    const seen = new Set<string>();
    let cur: ProjectRow | undefined = p;
    while (cur && !seen.has(cur.id)) {
      if (!cur.enabled) return false;
      seen.add(cur.id);
      cur = cur.parentId ? this.deps.db.select().from(projects).where(eq(projects.id, cur.parentId)).get() : undefined;
    }
    return true;
  }
}
