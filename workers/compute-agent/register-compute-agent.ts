// Registers nova-compute for the driver's hosts: registration and heartbeats, builds stage by stage, server actions, deletes.
import { createHash } from 'node:crypto';
import type { ComputeDriver, GuestSpec, PowerOp } from '../../backends/compute/types.js';
import type { AuthContext, RequestContext } from '../../core/context.js';
import type { ComputeNetworking, ComputeService, Instance } from '../../core/compute/index.js';
import { POWER, TASK, VM } from '../../core/compute/index.js';
import type { ImageService } from '../../core/image/index.js';
import type { JobQueue } from '../../core/jobs/port.js';
import type { Logger } from '../../core/logger.js';

/** What the agent is built from. */
export interface ComputeAgentDeps {
  compute: ComputeService;
  driver: ComputeDriver;
  images: ImageService;
  networking?: ComputeNetworking;
  logger: Logger;
  /** Availability zone of the driver's hosts. */
  zone?: string;
  /** Allocation ratios reported with each host (Nova's defaults 16 / 1.5 / 1). */
  ratios?: { cpu?: number; ram?: number; disk?: number };
  periodic?: { every(name: string, ms: number, fn: () => void | Promise<void>, opts?: { runAtStart?: boolean }): void };
  /** How often the fleet-wide recovery pass runs (default 60 s). */
  recoveryIntervalMs?: number;
}

/** The caller the agent acts as toward the image service: the instance's own project (snapshots belong to it). */
function ownerCtx(inst: Instance): RequestContext {
  const auth: AuthContext = { userId: inst.userId, userName: 'nova', userDomainId: 'default', projectId: inst.projectId, roles: ['member', 'reader'], roleIds: [], methods: ['service'], issuedAt: 0, expiresAt: 0 };
  return { requestId: `nova-compute-${inst.id}`, auth };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The ports the user brought (`networks: [{port}]`): detached, not deleted, when the server goes. */
const userPorts = (requested: unknown): string[] => (Array.isArray(requested) ? requested.map((r: { portId?: string }) => r.portId).filter((p): p is string => !!p) : []);

function guestOf(inst: Instance, flavor = inst.flavor): GuestSpec {
  return {
    instanceId: inst.id,
    name: inst.name,
    hostname: inst.hostname,
    vcpus: flavor.vcpus,
    ramMb: flavor.ramMb,
    diskGb: flavor.diskGb,
    imageId: inst.imageId,
    keyName: inst.keyName,
    publicKey: inst.keyData,
    keyFingerprint: inst.keyData ? safeFingerprint(inst.keyData) : null,
    userData: inst.userData,
    addresses: Object.values(inst.addresses)
      .flat()
      .map((a) => a.addr),
  };
}

function safeFingerprint(publicKey: string): string | null {
  try {
    // Same MD5 fingerprint Nova shows for the key pair.
    const blob = Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
    return blob.length ? createHashHex(blob).replace(/(..)(?!$)/g, '$1:') : null;
  } catch {
    return null;
  }
}

const createHashHex = (b: Buffer) => createHash('md5').update(b).digest('hex');

/**
 * Registers the compute agent's processors. Every processor is idempotent: a re-delivered build
 * continues from the task state the last delivery reached; every state change is a conductor
 * compare-and-swap, so a server deleted mid-build stops the build at its next step.
 */
export function registerComputeAgent(queue: Pick<JobQueue, 'process'>, deps: ComputeAgentDeps): { registerHosts(): void } {
  const { compute, driver, images, networking, logger } = deps;
  const c = compute.conductor;
  const mine = new Set(driver.hosts().map((h) => h.host));
  /** Images already on each host (the image cache): fetched from the image service once per host. */
  const cached = new Map<string, Set<string>>();

  const registerHosts = () => {
    for (const h of driver.hosts()) {
      compute.registerHost({ ...h, zone: deps.zone, cpuAllocationRatio: deps.ratios?.cpu, ramAllocationRatio: deps.ratios?.ram, diskAllocationRatio: deps.ratios?.disk });
    }
  };
  deps.periodic?.every('nova-compute heartbeat', 10_000, registerHosts, { runAtStart: true });
  // Nova's init_instance and resource audit, once per period across the fleet (the periodic lease):
  // instances a crash left mid-task with no job end ACTIVE or ERROR, host usage is recounted.
  deps.periodic?.every(
    'nova-compute init_instance',
    deps.recoveryIntervalMs ?? 60_000,
    () => {
      const r = compute.recover();
      if (r.errored.length || r.reverted.length || r.deletes.length) logger.warn({ errored: r.errored.length, reverted: r.reverted.length, deletes: r.deletes.length }, 'compute agent: recovered instances left mid-task');
    },
    { runAtStart: true },
  );

  /**
   * A guest the hypervisor lost (the fake's hosts are memory: a restart empties them) is created again
   * in the power state the database shows before an action runs on it, as Nova's
   * `resume_guests_state_on_host_boot` does.
   */
  async function ensureGuest(host: string, inst: Instance): Promise<void> {
    if ((await driver.state(host, inst.id)) !== null) return;
    await driver.spawn(host, guestOf(inst));
    const op = ({ [POWER.SHUTDOWN]: 'stop', [POWER.PAUSED]: 'pause', [POWER.SUSPENDED]: 'suspend' } as Record<number, PowerOp>)[inst.powerState];
    if (op) await driver.power(host, inst.id, op);
  }

  async function fetchImage(host: string, inst: Instance): Promise<void> {
    if (!inst.imageId) return;
    const set = cached.get(host) ?? new Set<string>();
    cached.set(host, set);
    if (set.has(inst.imageId)) return;
    const dl = await images.download(ownerCtx(inst), inst.imageId);
    if (dl) {
      const reader = dl.body.getReader();
      for (;;) if ((await reader.read()).done) break;
    }
    set.add(inst.imageId);
  }

  queue.process('compute.build', async ({ instanceId, host, attempt }) => {
    if (!mine.has(host)) throw new Error(`compute agent: host ${host} is not managed here`);
    let inst = c.loadInstance(instanceId);
    if (!inst || inst.deletedAt !== null || inst.host !== host) return;
    const unshelve = inst.taskState === TASK.UNSHELVING;
    try {
      if (!unshelve) {
        // Each step is a compare-and-swap from the state the last one reached, so the row is read again
        // only before the spawn (a rename meanwhile reaches the guest): a step that finds the server gone ends the build.
        // Progress stays 0 while building, as Nova's libvirt driver leaves it: `openstack server create --wait`
        // writes every non-zero progress to stdout, which breaks `-f json` output.
        if (inst.taskState === TASK.SCHEDULING) {
          if (!(await c.buildStep(instanceId, host, TASK.SCHEDULING, TASK.NETWORKING, 0))) return;
          inst = { ...inst, taskState: TASK.NETWORKING };
        }
        if (inst.taskState === TASK.NETWORKING) {
          const addresses = await bind(inst, host);
          if (addresses) c.tagBootPorts(instanceId);
          if (!(await c.buildStep(instanceId, host, TASK.NETWORKING, TASK.BLOCK_DEVICE_MAPPING, 0, addresses))) return;
          inst = { ...inst, taskState: TASK.BLOCK_DEVICE_MAPPING, ...(addresses ? { addresses } : {}) };
        }
        if (inst.taskState === TASK.BLOCK_DEVICE_MAPPING) {
          await fetchImage(host, inst);
          if (!(await c.buildStep(instanceId, host, TASK.BLOCK_DEVICE_MAPPING, TASK.SPAWNING, 0))) return;
        }
        inst = c.loadInstance(instanceId);
        if (!inst || inst.taskState !== TASK.SPAWNING) return;
      } else {
        await allocate(inst, host);
        await fetchImage(host, inst);
        inst = c.loadInstance(instanceId)!;
      }
      await driver.spawn(host, guestOf(inst));
      if (!(await c.buildDone(instanceId, host, unshelve ? TASK.UNSHELVING : TASK.SPAWNING))) {
        // Deleted while spawning: the delete job tears it down; nothing more to do here.
        return;
      }
    } catch (e) {
      const why = message(e);
      logger.warn({ instance: instanceId, host, attempt, err: why }, 'compute agent: build failed');
      await driver.destroy(host, instanceId).catch(() => undefined);
      await networking?.deallocate(instanceId, userPorts(c.loadRow(instanceId)?.requestedNetworks)).catch(() => undefined);
      await c.setAddresses(instanceId, {});
      await c.buildFailed(instanceId, host, attempt, why);
    }
  });

  /** Binds the instance's ports; their addresses, or undefined without networking. */
  async function bind(inst: Instance, host: string): Promise<Awaited<ReturnType<ComputeNetworking['allocate']>> | undefined> {
    if (!networking) return undefined;
    const row = c.loadRow(inst.id);
    if (!row || row.requestedNetworks === 'none') return undefined;
    return networking.allocate({ instanceId: inst.id, projectId: inst.projectId, host, requested: row.requestedNetworks, securityGroups: inst.securityGroups, ...(inst.availabilityZone ? { zone: inst.availabilityZone } : {}) });
  }

  async function allocate(inst: Instance, host: string): Promise<void> {
    const addresses = await bind(inst, host);
    if (addresses) await c.setAddresses(inst.id, addresses);
  }

  const POWER_ACTIONS: Record<string, { op: PowerOp; vmState: string; powerState: number }> = {
    stop: { op: 'stop', vmState: VM.STOPPED, powerState: POWER.SHUTDOWN },
    start: { op: 'start', vmState: VM.ACTIVE, powerState: POWER.RUNNING },
    pause: { op: 'pause', vmState: VM.PAUSED, powerState: POWER.PAUSED },
    unpause: { op: 'unpause', vmState: VM.ACTIVE, powerState: POWER.RUNNING },
    suspend: { op: 'suspend', vmState: VM.SUSPENDED, powerState: POWER.SUSPENDED },
    resume: { op: 'resume', vmState: VM.ACTIVE, powerState: POWER.RUNNING },
    rescue: { op: 'rescue', vmState: VM.RESCUED, powerState: POWER.RUNNING },
    unrescue: { op: 'unrescue', vmState: VM.ACTIVE, powerState: POWER.RUNNING },
  };

  queue.process('compute.action', async ({ instanceId, action, taskState, imageId }) => {
    const inst = c.loadInstance(instanceId);
    if (!inst || inst.deletedAt !== null || inst.taskState !== taskState || !inst.host) return;
    const host = inst.host;
    if (!mine.has(host)) throw new Error(`compute agent: host ${host} is not managed here`);
    c.actionStarted(instanceId, action, host);
    const row = c.loadRow(instanceId)!;
    try {
      if (action !== 'rebuild') await ensureGuest(host, inst);
      const power = POWER_ACTIONS[action];
      if (power) {
        await driver.power(host, instanceId, power.op);
        c.actionDone(instanceId, action, taskState, { vmState: power.vmState, powerState: power.powerState });
        return;
      }
      switch (action) {
        case 'reboot':
          await driver.power(host, instanceId, taskState === TASK.REBOOTING_HARD ? 'reboot_hard' : 'reboot_soft');
          c.actionDone(instanceId, action, taskState, { vmState: VM.ACTIVE, powerState: POWER.RUNNING });
          return;
        case 'changePassword':
          c.actionDone(instanceId, action, taskState);
          return;
        case 'rebuild': {
          if (!c.actionStep(instanceId, TASK.REBUILDING, 'rebuild_block_device_mapping')) return;
          await fetchImage(host, inst);
          if (!c.actionStep(instanceId, 'rebuild_block_device_mapping', 'rebuild_spawning')) return;
          await driver.rebuild(host, guestOf(inst));
          c.actionDone(instanceId, action, 'rebuild_spawning', { vmState: VM.ACTIVE, powerState: POWER.RUNNING, launchedAt: Date.now() });
          return;
        }
        case 'resize': {
          const nf = row.newFlavor!;
          const extra = { vcpus: Math.max(0, nf.vcpus - row.flavor.vcpus), ramMb: Math.max(0, nf.ramMb - row.flavor.ramMb), diskGb: Math.max(0, nf.diskGb - row.flavor.diskGb) };
          if (!c.claimExtra(host, extra)) throw new Error(`No valid host was found. Host ${host} has no room for flavor ${nf.name}.`);
          for (const [from, to] of [
            [TASK.RESIZE_PREP, TASK.RESIZE_MIGRATING],
            [TASK.RESIZE_MIGRATING, 'resize_migrated'],
            ['resize_migrated', TASK.RESIZE_FINISH],
          ] as const) {
            if (!c.actionStep(instanceId, from, to)) return;
          }
          await driver.resize(host, instanceId, nf);
          const stopped = row.previousVmState === VM.STOPPED;
          c.actionDone(instanceId, action, TASK.RESIZE_FINISH, { vmState: VM.RESIZED, powerState: stopped ? POWER.SHUTDOWN : POWER.RUNNING });
          return;
        }
        case 'migrate': {
          const mig = c.instanceMigration(instanceId);
          if (!mig?.destCompute) return;
          const dest = mig.destCompute;
          if (!mine.has(dest)) throw new Error(`compute agent: host ${dest} is not managed here`);
          if (!c.actionStep(instanceId, TASK.RESIZE_PREP, TASK.RESIZE_MIGRATING)) return;
          c.migrationStatus(mig.id, 'migrating');
          await driver.spawn(dest, guestOf(inst));
          const stopped = row.previousVmState === VM.STOPPED;
          if (stopped) await driver.power(dest, instanceId, 'stop');
          if (!c.actionStep(instanceId, TASK.RESIZE_MIGRATING, 'resize_migrated')) return;
          c.migrationStatus(mig.id, 'post-migrating');
          if (!c.actionStep(instanceId, 'resize_migrated', TASK.RESIZE_FINISH)) return;
          c.actionDone(
            instanceId,
            action,
            TASK.RESIZE_FINISH,
            { vmState: VM.RESIZED, powerState: stopped ? POWER.SHUTDOWN : POWER.RUNNING, host: dest, node: mig.destNode },
            undefined,
            { id: mig.id, status: 'finished' },
          );
          return;
        }
        case 'live-migration': {
          const mig = c.instanceMigration(instanceId);
          if (!mig?.destCompute) return;
          const dest = mig.destCompute;
          if (!mine.has(dest)) throw new Error(`compute agent: host ${dest} is not managed here`);
          const claim = { vcpus: row.flavor.vcpus, ramMb: row.flavor.ramMb, diskGb: row.flavor.diskGb };
          // Aborted while queued (2.65): the move never starts, and the destination's claim goes back.
          if (c.liveMigrationRequest(mig.id) !== 'abort') {
            c.migrationStatus(mig.id, 'running');
            // The guest keeps its power state on the destination (a paused server stays paused).
            const outcome = await driver.liveMigrate(host, dest, instanceId, { poll: () => c.liveMigrationRequest(mig.id) });
            if (outcome === 'completed') {
              c.actionDone(instanceId, action, TASK.MIGRATING, { host: dest, node: mig.destNode }, { host, release: claim }, { id: mig.id, status: 'completed' });
              return;
            }
          }
          c.actionDone(instanceId, action, TASK.MIGRATING, {}, { host: dest, release: claim }, { id: mig.id, status: 'cancelled' });
          return;
        }
        case 'confirmResize': {
          const mig = c.instanceMigration(instanceId);
          if (mig?.migrationType === 'migration') {
            // A cold migration confirmed: the guest on the source goes, and the source's claim with it.
            await driver.destroy(mig.sourceCompute, instanceId);
            c.actionDone(
              instanceId,
              action,
              taskState,
              { vmState: row.previousVmState === VM.STOPPED ? VM.STOPPED : VM.ACTIVE, newFlavor: null, oldFlavor: null, previousVmState: null },
              { host: mig.sourceCompute, release: { vcpus: row.flavor.vcpus, ramMb: row.flavor.ramMb, diskGb: row.flavor.diskGb } },
              { id: mig.id, status: 'confirmed' },
            );
            return;
          }
          const nf = row.newFlavor!;
          const held = { vcpus: Math.max(row.flavor.vcpus, nf.vcpus), ramMb: Math.max(row.flavor.ramMb, nf.ramMb), diskGb: Math.max(row.flavor.diskGb, nf.diskGb) };
          const back = row.previousVmState === VM.STOPPED ? VM.STOPPED : VM.ACTIVE;
          c.actionDone(
            instanceId,
            action,
            taskState,
            { vmState: back, flavor: nf, newFlavor: null, oldFlavor: null, previousVmState: null },
            { host, release: { vcpus: held.vcpus - nf.vcpus, ramMb: held.ramMb - nf.ramMb, diskGb: held.diskGb - nf.diskGb } },
          );
          return;
        }
        case 'revertResize': {
          const mig = c.instanceMigration(instanceId);
          if (mig?.migrationType === 'migration') {
            // A cold migration reverted: back to the source (its guest was kept), the destination freed.
            const back = row.previousVmState === VM.STOPPED ? VM.STOPPED : VM.ACTIVE;
            await driver.destroy(host, instanceId);
            await ensureGuest(mig.sourceCompute, { ...inst, powerState: back === VM.STOPPED ? POWER.SHUTDOWN : POWER.RUNNING });
            c.actionDone(
              instanceId,
              action,
              taskState,
              { vmState: back, powerState: back === VM.STOPPED ? POWER.SHUTDOWN : POWER.RUNNING, host: mig.sourceCompute, node: mig.sourceNode, newFlavor: null, oldFlavor: null, previousVmState: null },
              { host, release: { vcpus: row.flavor.vcpus, ramMb: row.flavor.ramMb, diskGb: row.flavor.diskGb } },
              { id: mig.id, status: 'reverted' },
            );
            return;
          }
          const nf = row.newFlavor!;
          const held = { vcpus: Math.max(row.flavor.vcpus, nf.vcpus), ramMb: Math.max(row.flavor.ramMb, nf.ramMb), diskGb: Math.max(row.flavor.diskGb, nf.diskGb) };
          await driver.resize(host, instanceId, row.flavor);
          const back = row.previousVmState === VM.STOPPED ? VM.STOPPED : VM.ACTIVE;
          c.actionDone(
            instanceId,
            action,
            taskState,
            { vmState: back, powerState: back === VM.STOPPED ? POWER.SHUTDOWN : POWER.RUNNING, newFlavor: null, oldFlavor: null, previousVmState: null },
            { host, release: { vcpus: held.vcpus - row.flavor.vcpus, ramMb: held.ramMb - row.flavor.ramMb, diskGb: held.diskGb - row.flavor.diskGb } },
          );
          return;
        }
        case 'createImage':
        case 'shelve': {
          const from = action === 'shelve' ? TASK.SHELVING : TASK.IMAGE_SNAPSHOT;
          const uploading = action === 'shelve' ? 'shelving_image_uploading' : TASK.IMAGE_UPLOADING;
          if (!c.actionStep(instanceId, from, uploading)) return;
          const bytes = await driver.snapshot(host, instanceId);
          if (imageId) await images.upload(ownerCtx(inst), imageId, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), bytes.byteLength);
          if (action === 'createImage') {
            c.actionDone(instanceId, action, uploading);
            return;
          }
          // Offloaded at once (shelved_offload_time = 0): the guest and its host claim go.
          await driver.destroy(host, instanceId);
          await networking?.deallocate(instanceId, userPorts(row.requestedNetworks)).catch(() => undefined);
          c.actionDone(instanceId, action, uploading, { vmState: VM.SHELVED_OFFLOADED, powerState: POWER.SHUTDOWN, host: null, node: null, addresses: {} }, { host, release: { vcpus: row.flavor.vcpus, ramMb: row.flavor.ramMb, diskGb: row.flavor.diskGb } });
          return;
        }
        default:
          throw new Error(`compute agent: unknown action ${action}`);
      }
    } catch (e) {
      const why = message(e);
      logger.warn({ instance: instanceId, action, err: why }, 'compute agent: action failed');
      const now = c.loadRow(instanceId);
      const mig = action === 'migrate' || action === 'live-migration' ? c.instanceMigration(instanceId) : undefined;
      if (mig) {
        if (mig.destCompute) await driver.destroy(mig.destCompute, instanceId).catch(() => undefined);
        c.migrationFailed(mig.id, why);
        return;
      }
      c.actionFailed(instanceId, action, now?.taskState ?? taskState, why, host, action === 'resize' ? { newFlavor: null } : {});
      if (imageId && (action === 'createImage' || action === 'shelve')) await images.delete(ownerCtx(inst), imageId).catch(() => undefined);
    }
  });

  queue.process('compute.delete', async ({ instanceId }) => {
    const row = c.loadRow(instanceId);
    if (!row || row.deletedAt !== null) return;
    if (row.host) {
      if (!mine.has(row.host)) throw new Error(`compute agent: host ${row.host} is not managed here`);
      c.actionStarted(instanceId, 'delete', row.host);
      await driver.destroy(row.host, instanceId);
      // Mid-move, the guest may exist on the other host of the move too.
      const mig = c.instanceMigration(instanceId);
      for (const other of [mig?.sourceCompute, mig?.destCompute]) if (other && other !== row.host && mine.has(other)) await driver.destroy(other, instanceId);
    }
    await networking?.deallocate(instanceId, userPorts(row.requestedNetworks));
    compute.finishDelete(instanceId);
  });

  return { registerHosts };
}
