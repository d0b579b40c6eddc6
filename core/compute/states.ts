// Nova's instance state machine: vm_state, task_state and power_state, the API status they show, and which actions each state allows.
import { errors } from '../errors.js';

/** `vm_state` values (nova/compute/vm_states.py). */
export const VM = {
  ACTIVE: 'active',
  BUILDING: 'building',
  PAUSED: 'paused',
  SUSPENDED: 'suspended',
  STOPPED: 'stopped',
  RESCUED: 'rescued',
  RESIZED: 'resized',
  SOFT_DELETED: 'soft-delete',
  DELETED: 'deleted',
  ERROR: 'error',
  SHELVED: 'shelved',
  SHELVED_OFFLOADED: 'shelved_offloaded',
} as const;
export type VmState = (typeof VM)[keyof typeof VM];

/** `task_state` values used here (nova/compute/task_states.py). */
export const TASK = {
  SCHEDULING: 'scheduling',
  NETWORKING: 'networking',
  BLOCK_DEVICE_MAPPING: 'block_device_mapping',
  SPAWNING: 'spawning',
  IMAGE_SNAPSHOT: 'image_snapshot',
  IMAGE_UPLOADING: 'image_uploading',
  POWERING_OFF: 'powering-off',
  POWERING_ON: 'powering-on',
  REBOOTING: 'rebooting',
  REBOOTING_HARD: 'rebooting_hard',
  REBUILDING: 'rebuilding',
  RESIZE_PREP: 'resize_prep',
  RESIZE_MIGRATING: 'resize_migrating',
  RESIZE_FINISH: 'resize_finish',
  RESIZE_CONFIRMING: 'resize_confirming',
  RESIZE_REVERTING: 'resize_reverting',
  PAUSING: 'pausing',
  UNPAUSING: 'unpausing',
  SUSPENDING: 'suspending',
  RESUMING: 'resuming',
  RESCUING: 'rescuing',
  UNRESCUING: 'unrescuing',
  SHELVING: 'shelving',
  UNSHELVING: 'unshelving',
  MIGRATING: 'migrating',
  DELETING: 'deleting',
  UPDATING_PASSWORD: 'updating_password',
} as const;
export type TaskState = (typeof TASK)[keyof typeof TASK];

/** `power_state` integers (nova/compute/power_state.py). */
export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;

const REBOOT = ['rebooting', 'reboot_pending', 'reboot_started'];
const HARD_REBOOT = ['rebooting_hard', 'reboot_pending_hard', 'reboot_started_hard'];
const REBUILD = ['rebuilding', 'rebuild_block_device_mapping', 'rebuild_spawning'];
const RESIZE = ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'];

/** Nova's `_STATE_MAP`: the default status of each vm_state and the task states that override it. */
const STATE_MAP: Record<string, { default: string; tasks?: Record<string, string> }> = {
  active: {
    default: 'ACTIVE',
    tasks: {
      ...Object.fromEntries(REBOOT.map((t) => [t, 'REBOOT'])),
      ...Object.fromEntries(HARD_REBOOT.map((t) => [t, 'HARD_REBOOT'])),
      updating_password: 'PASSWORD',
      ...Object.fromEntries(REBUILD.map((t) => [t, 'REBUILD'])),
      migrating: 'MIGRATING',
      ...Object.fromEntries(RESIZE.map((t) => [t, 'RESIZE'])),
    },
  },
  building: { default: 'BUILD' },
  stopped: { default: 'SHUTOFF', tasks: { ...Object.fromEntries(RESIZE.map((t) => [t, 'RESIZE'])), ...Object.fromEntries(REBUILD.map((t) => [t, 'REBUILD'])) } },
  resized: { default: 'VERIFY_RESIZE', tasks: { resize_reverting: 'REVERT_RESIZE' } },
  paused: { default: 'PAUSED', tasks: { migrating: 'MIGRATING' } },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: { default: 'ERROR', tasks: Object.fromEntries(REBUILD.map((t) => [t, 'REBUILD'])) },
  deleted: { default: 'DELETED' },
  'soft-delete': { default: 'SOFT_DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
};

/** The API `status` of an instance (Nova's `status_from_state`). */
export function statusOf(vmState: string, taskState: string | null): string {
  const entry = STATE_MAP[vmState];
  if (!entry) return 'UNKNOWN';
  return (taskState && entry.tasks?.[taskState]) || entry.default;
}

/** The vm_states that can show `status` (SQL narrows by these; `statusMatches` then checks the task state). */
export function vmStatesForStatus(status: string): string[] {
  const want = status.toUpperCase();
  return Object.entries(STATE_MAP)
    .filter(([, e]) => e.default === want || Object.values(e.tasks ?? {}).includes(want))
    .map(([vm]) => vm);
}

/** Whether `status` passes the filter list (cheap in-memory check used after SQL narrowing). */
export function statusMatches(vmState: string, taskState: string | null, wanted: readonly string[]): boolean {
  const s = statusOf(vmState, taskState);
  return wanted.some((w) => w.toUpperCase() === s);
}

/** The API statuses `?status=` accepts (others: empty list, as Nova). */
export const KNOWN_STATUSES = new Set(Object.values(STATE_MAP).flatMap((e) => [e.default, ...Object.values(e.tasks ?? {})]));

/** Which vm_states each action allows (nova/compute/api.py `check_instance_state`); task_state must be null unless listed. */
export const ACTION_STATES: Record<string, { vm: readonly string[]; task?: ReadonlyArray<string | null> }> = {
  stop: { vm: [VM.ACTIVE, VM.ERROR] },
  start: { vm: [VM.STOPPED] },
  reboot: { vm: [VM.ACTIVE] },
  reboot_hard: { vm: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED, VM.ERROR], task: [null, 'rebooting', 'reboot_pending', 'reboot_started', 'rebooting_hard', 'reboot_pending_hard', 'reboot_started_hard'] },
  rebuild: { vm: [VM.ACTIVE, VM.STOPPED, VM.ERROR] },
  resize: { vm: [VM.ACTIVE, VM.STOPPED] },
  confirmResize: { vm: [VM.RESIZED] },
  revertResize: { vm: [VM.RESIZED] },
  createImage: { vm: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED] },
  shelve: { vm: [VM.ACTIVE, VM.STOPPED, VM.PAUSED, VM.SUSPENDED] },
  shelveOffload: { vm: [VM.SHELVED] },
  unshelve: { vm: [VM.SHELVED, VM.SHELVED_OFFLOADED] },
  pause: { vm: [VM.ACTIVE] },
  unpause: { vm: [VM.PAUSED] },
  suspend: { vm: [VM.ACTIVE] },
  resume: { vm: [VM.SUSPENDED] },
  rescue: { vm: [VM.ACTIVE, VM.STOPPED, VM.ERROR] },
  unrescue: { vm: [VM.RESCUED] },
  changePassword: { vm: [VM.ACTIVE] },
  migrate: { vm: [VM.ACTIVE, VM.STOPPED] },
  'os-migrateLive': { vm: [VM.ACTIVE, VM.PAUSED] },
  force_complete: { vm: [VM.ACTIVE, VM.PAUSED], task: [TASK.MIGRATING] },
  'abort live migration': { vm: [VM.ACTIVE, VM.PAUSED], task: [TASK.MIGRATING] },
  attachInterface: { vm: [VM.ACTIVE, VM.PAUSED, VM.STOPPED] },
  getConsole: { vm: [VM.ACTIVE] },
};

/**
 * Throws Nova's 409 (`Cannot '<action>' instance <uuid> while it is in vm_state <x>`, or the task
 * state variant) unless `action` is allowed in the instance's current states.
 */
export function checkState(action: string, inst: { id: string; vmState: string; taskState: string | null }, wireName = action): void {
  const rule = ACTION_STATES[action];
  if (!rule) throw new Error(`no state rule for ${action}`);
  if (!rule.vm.includes(inst.vmState)) {
    throw errors.invalidState(`Cannot '${wireName}' instance ${inst.id} while it is in vm_state ${inst.vmState}`, { reason: 'vm_state', action });
  }
  const tasks = rule.task ?? [null];
  if (!tasks.includes(inst.taskState)) {
    // Nova formats a missing task state as Python does: `None`.
    throw errors.invalidState(`Cannot '${wireName}' instance ${inst.id} while it is in task_state ${inst.taskState ?? 'None'}`, { reason: 'task_state', action });
  }
}

/** Statuses that show `progress` (Nova's view). */
export const PROGRESS_STATUSES = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);
