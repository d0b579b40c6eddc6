// Prepared statements for the compute service's hot reads (a project's server list): drizzle built the SQL of each query on every call.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cmpInstanceTags, cmpInstances } from '../db/schema/compute.js';

/**
 * The list queries, prepared once per connection. They run on the connection's open transaction when
 * called inside one (both databases give the service a single connection).
 */
export function prepareComputeStatements(db: Db) {
  const p = sql.placeholder;
  const liveOfProject = db
    .select()
    .from(cmpInstances)
    .where(and(eq(cmpInstances.projectId, p('projectId')), isNull(cmpInstances.deletedAt)))
    .prepare();
  // The tags of a project's live servers in one joined query, instead of `IN (...)` chunks built per call.
  const tagsOfLive = db
    .select({ instanceId: cmpInstanceTags.instanceId, tag: cmpInstanceTags.tag })
    .from(cmpInstanceTags)
    .innerJoin(cmpInstances, eq(cmpInstances.id, cmpInstanceTags.instanceId))
    .where(and(eq(cmpInstances.projectId, p('projectId')), isNull(cmpInstances.deletedAt)))
    .prepare();
  return {
    /** A project's servers not deleted, unordered. */
    liveOfProject: (projectId: string) => liveOfProject.all({ projectId }),
    /** The tags of a project's servers not deleted. */
    tagsOfLive: (projectId: string) => tagsOfLive.all({ projectId }),
  };
}

/** The prepared statements of one connection. */
export type ComputeStatements = ReturnType<typeof prepareComputeStatements>;
