// Registers nova-scheduler: `compute.schedule` picks a host by filters and weighers and claims it atomically through the conductor.
import type { ComputeService } from '../../core/compute/index.js';
import type { JobQueue } from '../../core/jobs/port.js';
import type { Logger } from '../../core/logger.js';
import { selectHosts } from './select-hosts.js';

/** What the scheduler needs. */
export interface SchedulerDeps {
  compute: ComputeService;
  logger: Logger;
  /** This process's host name, for the `nova-scheduler` service row. */
  host: string;
  periodic?: { every(name: string, ms: number, fn: () => void, opts?: { runAtStart?: boolean }): void };
}

/**
 * `compute.schedule`: idempotent (an instance already placed, deleted or no longer scheduling is left
 * alone). The chosen host's resources are claimed by one conditional UPDATE, so several schedulers (in
 * several processes, on Redis) can never over-commit a host; a lost race falls through to the next
 * best host.
 */
export function registerScheduler(queue: Pick<JobQueue, 'process'>, deps: SchedulerDeps): void {
  const { compute, logger } = deps;
  queue.process('compute.schedule', async ({ instanceId, attempt, migrationId }) => {
    if (migrationId !== undefined) return scheduleMove(migrationId);
    const outcome = await compute.conductor.scheduleInstance(instanceId, attempt, (spec, hosts) => selectHosts(hosts, spec));
    if (outcome && 'noValidHost' in outcome) logger.info({ instance: instanceId, attempt, why: outcome.noValidHost }, 'scheduler: no valid host');
  });

  /** A migration's destination: the same filters and weighers, the server's current host excluded (the retry filter), the admin's host forced. */
  function scheduleMove(migrationId: number): void {
    const move = compute.conductor.migrationSpec(migrationId);
    if (!move) return;
    const selection = selectHosts(compute.conductor.schedulerHosts(), move.spec);
    const host = selection.hosts.length ? compute.conductor.placeMigration(migrationId, selection.hosts) : undefined;
    if (host) return;
    const why = selection.rejectedBy ? `No valid host was found. There are not enough hosts available (filter ${selection.rejectedBy} returned 0 hosts).` : 'No valid host was found. There are not enough hosts available.';
    logger.info({ instance: move.spec.instanceId, migration: migrationId, why }, 'scheduler: no host to migrate to');
    compute.conductor.migrationFailed(migrationId, why);
  }
  deps.periodic?.every('nova-scheduler heartbeat', 10_000, () => compute.heartbeat('nova-scheduler', deps.host), { runAtStart: true });
}
