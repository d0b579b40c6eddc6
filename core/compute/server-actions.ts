// Server actions as the API starts them: state check, lock check, task-state compare-and-swap, action record and job, in one transaction.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpConsoleTokens, cmpInstances } from '../db/schema/compute.js';
import { errors, isCoreError } from '../errors.js';
import type { DbOrTx } from '../jobs/outbox.js';
import { isAdmin, loadVisible, recordAction, requireRule, type ComputeContext, type InstanceRow } from './context.js';
import { flavorForBoot, snapshotOf } from './flavors.js';
import { adjustInstance } from './quotas.js';
import { TASK, VM, checkState } from './states.js';

/** How one action starts. */
interface ActionSpec {
  /** Key in ACTION_STATES. */
  rule: string;
  /** The name in Nova's 409 message (`Cannot 'stop' instance…`). */
  wireName: string;
  /** The instance-action record name (`stop`, `reboot`, `createImage`…). */
  record: string;
  taskState: string;
  /** Extra columns set with the task state, and anything else to do inside the transaction. */
  mutate?: (tx: DbOrTx, row: InstanceRow) => Partial<InstanceRow>;
  imageId?: string;
  /** Admin-only actions skip the owner's policy and check this rule. */
  adminRule?: string;
}

function assertUnlocked(ctx: RequestContext, row: InstanceRow): void {
  if (row.locked && !isAdmin(ctx)) throw errors.invalidState(`Instance ${row.id} is locked`, { reason: 'locked' });
}

/**
 * Starts an action: the instance must be in an allowed state and unlocked; its task state is set by
 * compare-and-swap (a concurrent action loses with 409), the action recorded with the request id, and a
 * `compute.action` job written, all in one transaction.
 */
function begin(cc: ComputeContext, ctx: RequestContext, id: string, spec: ActionSpec): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, spec.adminRule ?? 'os_compute_api:servers:action', { projectId: row.projectId });
  const now = cc.now();
  cc.db.transaction((tx) => {
    const cur = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get()!;
    checkState(spec.rule, cur, spec.wireName);
    assertUnlocked(ctx, cur);
    const extra = spec.mutate?.(tx, cur) ?? {};
    const changed = tx
      .update(cmpInstances)
      .set({ ...extra, taskState: spec.taskState, updatedAt: now })
      .where(and(eq(cmpInstances.id, id), eq(cmpInstances.vmState, cur.vmState), cur.taskState === null ? isNull(cmpInstances.taskState) : eq(cmpInstances.taskState, cur.taskState)))
      .run().changes;
    if (!changed) throw errors.invalidState(`Cannot '${spec.wireName}' instance ${id} while it is in task_state ${cur.taskState}`, { reason: 'task_state' });
    recordAction(tx, ctx, cur, spec.record, now);
    cc.enqueue(tx, 'compute.action', { instanceId: id, action: spec.record, taskState: spec.taskState, ...(spec.imageId ? { imageId: spec.imageId } : {}) });
  });
  cc.notify();
}

export const stopServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'stop', wireName: 'stop', record: 'stop', taskState: TASK.POWERING_OFF });
export const startServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'start', wireName: 'start', record: 'start', taskState: TASK.POWERING_ON });
export const pauseServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'pause', wireName: 'pause', record: 'pause', taskState: TASK.PAUSING });
export const unpauseServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'unpause', wireName: 'unpause', record: 'unpause', taskState: TASK.UNPAUSING });
export const suspendServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'suspend', wireName: 'suspend', record: 'suspend', taskState: TASK.SUSPENDING });
export const resumeServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'resume', wireName: 'resume', record: 'resume', taskState: TASK.RESUMING });
export const unrescueServer = (cc: ComputeContext, ctx: RequestContext, id: string) => begin(cc, ctx, id, { rule: 'unrescue', wireName: 'unrescue', record: 'unrescue', taskState: TASK.UNRESCUING });

export function rescueServer(cc: ComputeContext, ctx: RequestContext, id: string, adminPass?: string): string {
  const pass = adminPass ?? randomBytes(9).toString('base64').replace(/[+/]/g, 'x');
  begin(cc, ctx, id, { rule: 'rescue', wireName: 'rescue', record: 'rescue', taskState: TASK.RESCUING });
  return pass;
}

/** Soft or hard reboot (`REBOOT` / `HARD_REBOOT` status while it runs). */
export function rebootServer(cc: ComputeContext, ctx: RequestContext, id: string, type: 'SOFT' | 'HARD'): void {
  if (type === 'HARD') begin(cc, ctx, id, { rule: 'reboot_hard', wireName: 'reboot', record: 'reboot', taskState: TASK.REBOOTING_HARD });
  else begin(cc, ctx, id, { rule: 'reboot', wireName: 'reboot', record: 'reboot', taskState: TASK.REBOOTING });
}

/** Rebuild with an image (the same or another), optionally a new name, metadata and admin password. */
export function rebuildServer(cc: ComputeContext, ctx: RequestContext, id: string, input: { imageRef: string; name?: string; metadata?: Record<string, string>; description?: string | null; keyName?: string | null }): void {
  let image;
  try {
    image = cc.images.get(ctx, input.imageRef);
  } catch (e) {
    if (isCoreError(e, 'NotFound')) throw errors.invalid(`Image ${input.imageRef} could not be found.`, { reason: 'image' });
    throw e;
  }
  if (image.status !== 'active') throw errors.invalid(`Image ${image.id} is not active.`, { reason: 'image' });
  begin(cc, ctx, id, {
    rule: 'rebuild',
    wireName: 'rebuild',
    record: 'rebuild',
    taskState: TASK.REBUILDING,
    mutate: () => ({
      imageId: image.id,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    }),
  });
}

/** Resize to another flavor (on the same host here): quota moves at once; the host claim grows while it runs. */
export function resizeServer(cc: ComputeContext, ctx: RequestContext, id: string, flavorRef: string): void {
  const flavor = flavorForBoot(cc, ctx, flavorRef);
  const row = loadVisible(cc, ctx, id);
  if (row.flavor.id === flavor.id) throw errors.invalid('When resizing, instances must change flavor!', { reason: 'flavor' });
  if (flavor.diskGb === 0 && row.flavor.diskGb !== 0) throw errors.invalid('Resize to zero disk flavor is not allowed.', { reason: 'flavor' });
  begin(cc, ctx, id, {
    rule: 'resize',
    wireName: 'resize',
    record: 'resize',
    taskState: TASK.RESIZE_PREP,
    mutate: (tx, cur) => {
      adjustInstance(cc, tx, cur.projectId, flavor.vcpus - cur.flavor.vcpus, flavor.ramMb - cur.flavor.ramMb);
      return { newFlavor: snapshotOf(flavor), previousVmState: cur.vmState };
    },
  });
}

export const confirmResize = (cc: ComputeContext, ctx: RequestContext, id: string) =>
  begin(cc, ctx, id, { rule: 'confirmResize', wireName: 'confirmResize', record: 'confirmResize', taskState: TASK.RESIZE_CONFIRMING });

export function revertResize(cc: ComputeContext, ctx: RequestContext, id: string): void {
  begin(cc, ctx, id, {
    rule: 'revertResize',
    wireName: 'revertResize',
    record: 'revertResize',
    taskState: TASK.RESIZE_REVERTING,
    mutate: (tx, cur) => {
      // The quota goes back to the old flavor's (it was moved to the new one when the resize began).
      if (cur.newFlavor) adjustInstance(cc, tx, cur.projectId, cur.flavor.vcpus - cur.newFlavor.vcpus, cur.flavor.ramMb - cur.newFlavor.ramMb);
      return {};
    },
  });
}

/**
 * Snapshots a server into a new Glance image (queued now, active once the agent uploaded the disk).
 * Returns the image id (the `Location` header / 2.45 body).
 */
export function createServerImage(cc: ComputeContext, ctx: RequestContext, id: string, input: { name: string; metadata?: Record<string, string> }): string {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:action', { projectId: row.projectId });
  checkState('createImage', row, 'createImage');
  assertUnlocked(ctx, row);
  const base = row.imageId ? safeImage(cc, ctx, row.imageId) : undefined;
  const image = cc.images.create(ctx, {
    name: input.name,
    containerFormat: base?.containerFormat ?? 'bare',
    diskFormat: base?.diskFormat ?? 'raw',
    minDisk: row.flavor.diskGb,
    minRam: base?.minRam ?? 0,
    extra: {
      ...(input.metadata ?? {}),
      image_type: 'snapshot',
      instance_uuid: row.id,
      user_id: row.userId,
      ...(row.imageId ? { base_image_ref: row.imageId } : {}),
    },
  });
  try {
    begin(cc, ctx, id, { rule: 'createImage', wireName: 'createImage', record: 'createImage', taskState: TASK.IMAGE_SNAPSHOT, imageId: image.id });
  } catch (e) {
    void cc.images.delete(ctx, image.id).catch(() => undefined);
    throw e;
  }
  return image.id;
}

function safeImage(cc: ComputeContext, ctx: RequestContext, imageId: string) {
  try {
    return cc.images.get(ctx, imageId);
  } catch {
    return undefined;
  }
}

/** Shelve: snapshot then offload (Nova's default `shelved_offload_time = 0`): the host's resources are freed. */
export function shelveServer(cc: ComputeContext, ctx: RequestContext, id: string): void {
  const row = loadVisible(cc, ctx, id);
  const image = cc.images.create(ctx, {
    name: `${row.name}-shelved`,
    containerFormat: 'bare',
    diskFormat: 'raw',
    extra: { image_type: 'snapshot', instance_uuid: row.id, ...(row.imageId ? { base_image_ref: row.imageId } : {}) },
  });
  begin(cc, ctx, id, { rule: 'shelve', wireName: 'shelve', record: 'shelve', taskState: TASK.SHELVING, imageId: image.id, mutate: (_tx, cur) => ({ previousVmState: cur.vmState }) });
}

/** Unshelve: scheduled again like a build, onto any host with room. */
export function unshelveServer(cc: ComputeContext, ctx: RequestContext, id: string): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:action', { projectId: row.projectId });
  const now = cc.now();
  cc.db.transaction((tx) => {
    const cur = tx.select().from(cmpInstances).where(eq(cmpInstances.id, id)).get()!;
    checkState('unshelve', cur, 'unshelve');
    assertUnlocked(ctx, cur);
    tx.update(cmpInstances).set({ taskState: TASK.UNSHELVING, schedule: { ...cur.schedule, attempts: 0, triedHosts: [] }, updatedAt: now }).where(and(eq(cmpInstances.id, id), isNull(cmpInstances.taskState))).run();
    recordAction(tx, ctx, cur, 'unshelve', now);
    cc.enqueue(tx, 'compute.schedule', { instanceId: id, attempt: 1 });
  });
  cc.notify();
}

export function changePassword(cc: ComputeContext, ctx: RequestContext, id: string): void {
  begin(cc, ctx, id, { rule: 'changePassword', wireName: 'changePassword', record: 'changePassword', taskState: TASK.UPDATING_PASSWORD });
}

/** Lock (with an optional reason, 2.73) or unlock; unlocking someone else's lock needs admin. Recorded as actions. */
export function setLocked(cc: ComputeContext, ctx: RequestContext, id: string, locked: boolean, reason?: string): void {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:action', { projectId: row.projectId });
  const by = isAdmin(ctx) && row.projectId !== ctx.auth?.projectId ? 'admin' : 'owner';
  if (!locked && row.locked && row.lockedBy === 'admin' && !isAdmin(ctx)) requireRule(ctx, 'os_compute_api:os-lock-server:unlock:unlock_override');
  const now = cc.now();
  cc.db.transaction((tx) => {
    tx.update(cmpInstances)
      .set(locked ? { locked: true, lockedBy: by, lockedReason: reason ?? null, updatedAt: now } : { locked: false, lockedBy: null, lockedReason: null, updatedAt: now })
      .where(eq(cmpInstances.id, id))
      .run();
    recordAction(tx, ctx, row, locked ? 'lock' : 'unlock', now);
  });
}

/**
 * A one-time remote console URL: a random token (only its hash is stored) valid for 10 minutes, which
 * the console proxy route accepts once, as nova-novncproxy does.
 */
export function createConsole(cc: ComputeContext, ctx: RequestContext, id: string, type: string, baseUrl: string): { url: string; type: string } {
  const row = loadVisible(cc, ctx, id);
  requireRule(ctx, 'os_compute_api:servers:action', { projectId: row.projectId });
  if (row.vmState !== VM.ACTIVE) throw errors.invalidState(`Instance ${id} is not ready`, { reason: 'not-ready' });
  const token = randomBytes(24).toString('hex');
  cc.db
    .insert(cmpConsoleTokens)
    .values({ tokenHash: createHash('sha256').update(token).digest('hex'), instanceId: id, consoleType: type, expiresAt: cc.now() + 600_000, usedAt: null })
    .run();
  return { url: `${baseUrl}?token=${token}`, type };
}

/** Checks a console token once: the instance id it opens, or a 401-ish Unauthenticated when unknown, used or expired. */
export function consumeConsoleToken(cc: ComputeContext, token: string): { instanceId: string; type: string } {
  const hash = createHash('sha256').update(token).digest('hex');
  const now = cc.now();
  const row = cc.db.select().from(cmpConsoleTokens).where(eq(cmpConsoleTokens.tokenHash, hash)).get();
  if (!row || row.usedAt !== null || row.expiresAt < now) throw errors.unauthenticated('The token is invalid or has expired.');
  const n = cc.db
    .update(cmpConsoleTokens)
    .set({ usedAt: now })
    .where(and(eq(cmpConsoleTokens.tokenHash, hash), isNull(cmpConsoleTokens.usedAt)))
    .run().changes;
  if (!n) throw errors.unauthenticated('The token is invalid or has expired.');
  return { instanceId: row.instanceId, type: row.consoleType };
}
