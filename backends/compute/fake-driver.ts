// The fake hypervisor: N simulated hosts with capacity, small real delays, a cloud-init-like console log, and failure injection.
import { createHash } from 'node:crypto';
import type { ComputeDriver, GuestSpec, GuestState, HostSpec, LiveMigrationControl, PowerOp } from './types.js';

/** How long each operation takes, ms (small but non-zero by default, so states can be seen changing). */
export interface FakeTimings {
  spawnMs: number;
  powerMs: number;
  destroyMs: number;
  snapshotMs: number;
  /** How long a live migration copies before it completes by itself; it polls for force-complete and abort meanwhile. */
  liveMigrationMs: number;
}

/** An injected failure: the next `times` calls of `op` (on `host`, or any) throw `message`. */
export interface InjectedFailure {
  op: 'spawn' | 'destroy' | 'power' | 'rebuild' | 'resize' | 'snapshot' | 'liveMigrate';
  host?: string;
  times?: number;
  message?: string;
}

export interface FakeDriverOptions {
  /** Number of simulated hosts (`SKYBRIDGE_FAKE_HOSTS`, default 2). */
  hosts?: number;
  /** Host names are `<prefix>-1` … `<prefix>-N` (the names ports are bound to). */
  hostPrefix?: string;
  /** Capacity of every host (`SKYBRIDGE_FAKE_HOST_VCPUS`/`_RAM_MB`/`_DISK_GB`). */
  capacity?: { vcpus: number; memoryMb: number; localGb: number };
  timings?: Partial<FakeTimings>;
  /** Guests whose name matches fail to spawn on every host (`SKYBRIDGE_FAKE_FAIL_SPAWN`): for tests over TCP. */
  failSpawnName?: RegExp;
}

interface FakeGuest {
  spec: GuestSpec;
  state: GuestState;
  bootedAt: number;
  log: string[];
}

export const DEFAULT_TIMINGS: FakeTimings = { spawnMs: 50, powerMs: 20, destroyMs: 10, snapshotMs: 20, liveMigrationMs: 50 };

/** How often a live migration in progress asks for force-complete or abort (a copy round). */
const LIVE_MIGRATION_POLL_MS = 20;

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * The fake driver documents the contract: every call is idempotent on the guest id, fails only when
 * told to (`inject`), and keeps the guests in memory. Guests live on named hosts whose capacity is
 * reported but not enforced (the scheduler's claims do that).
 */
export class FakeComputeDriver implements ComputeDriver {
  readonly type = 'fake';
  private readonly specs: HostSpec[];
  private readonly guests = new Map<string, Map<string, FakeGuest>>();
  private readonly failures: InjectedFailure[] = [];
  private readonly timings: FakeTimings;
  private readonly failSpawnName?: RegExp;

  constructor(opts: FakeDriverOptions = {}) {
    const n = opts.hosts ?? 2;
    const prefix = opts.hostPrefix ?? 'compute';
    const cap = opts.capacity ?? { vcpus: 32, memoryMb: 131072, localGb: 2048 };
    this.timings = { ...DEFAULT_TIMINGS, ...(opts.timings ?? {}) };
    this.failSpawnName = opts.failSpawnName;
    this.specs = Array.from({ length: n }, (_, i) => ({
      host: `${prefix}-${i + 1}`,
      hypervisorHostname: `${prefix}-${i + 1}`,
      hypervisorType: 'fake',
      hypervisorVersion: 1000,
      hostIp: `192.168.122.${10 + i}`,
      vcpus: cap.vcpus,
      memoryMb: cap.memoryMb,
      localGb: cap.localGb,
    }));
    for (const s of this.specs) this.guests.set(s.host, new Map());
  }

  /** Makes the next matching calls fail (tests). */
  inject(failure: InjectedFailure): void {
    this.failures.push({ times: 1, ...failure });
  }

  hosts(): HostSpec[] {
    return this.specs.map((s) => ({ ...s }));
  }

  private onHost(host: string): Map<string, FakeGuest> {
    const m = this.guests.get(host);
    if (!m) throw new Error(`fake driver: no host ${host}`);
    return m;
  }

  private maybeFail(op: InjectedFailure['op'], host: string): void {
    const i = this.failures.findIndex((f) => f.op === op && (!f.host || f.host === host));
    if (i < 0) return;
    const f = this.failures[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.failures.splice(i, 1);
    throw new Error(f.message ?? `fake driver: injected ${op} failure on ${host}`);
  }

  private guest(host: string, id: string): FakeGuest {
    const g = this.onHost(host).get(id);
    if (!g) throw new Error(`fake driver: no guest ${id} on ${host}`);
    return g;
  }

  async spawn(host: string, spec: GuestSpec): Promise<void> {
    const m = this.onHost(host);
    if (m.has(spec.instanceId)) return;
    await sleep(this.timings.spawnMs);
    this.maybeFail('spawn', host);
    if (this.failSpawnName?.test(spec.name)) throw new Error(`fake driver: spawn of ${spec.name} refused (SKYBRIDGE_FAKE_FAIL_SPAWN)`);
    m.set(spec.instanceId, { spec, state: { powerState: 1, vcpus: spec.vcpus, ramMb: spec.ramMb, diskGb: spec.diskGb }, bootedAt: Date.now(), log: bootLog(spec) });
  }

  async destroy(host: string, id: string): Promise<void> {
    await sleep(this.timings.destroyMs);
    this.maybeFail('destroy', host);
    this.onHost(host).delete(id);
  }

  async power(host: string, id: string, op: PowerOp): Promise<void> {
    await sleep(this.timings.powerMs);
    this.maybeFail('power', host);
    const g = this.guest(host, id);
    const to: Record<PowerOp, number> = { stop: 4, start: 1, reboot_soft: 1, reboot_hard: 1, pause: 3, unpause: 1, suspend: 7, resume: 1, rescue: 1, unrescue: 1 };
    g.state.powerState = to[op];
    if (op === 'start' || op.startsWith('reboot')) g.log.push(...bootLog(g.spec));
    if (op === 'stop') g.log.push(`[  OK  ] Reached target Power-Off.`, `reboot: Power down`);
  }

  async rebuild(host: string, spec: GuestSpec): Promise<void> {
    await sleep(this.timings.spawnMs);
    this.maybeFail('rebuild', host);
    this.onHost(host).set(spec.instanceId, { spec, state: { powerState: 1, vcpus: spec.vcpus, ramMb: spec.ramMb, diskGb: spec.diskGb }, bootedAt: Date.now(), log: bootLog(spec) });
  }

  async resize(host: string, id: string, size: { vcpus: number; ramMb: number; diskGb: number }): Promise<void> {
    await sleep(this.timings.powerMs);
    this.maybeFail('resize', host);
    const g = this.guest(host, id);
    g.state = { ...g.state, ...size, powerState: g.state.powerState };
    g.spec = { ...g.spec, ...size };
  }

  async liveMigrate(source: string, dest: string, id: string, control: LiveMigrationControl): Promise<'completed' | 'cancelled'> {
    const g = this.guest(source, id);
    const to = this.onHost(dest);
    this.maybeFail('liveMigrate', source);
    // The destination's copy exists while memory is copied; it is the guest only once the move completes.
    to.set(id, { spec: g.spec, state: { ...g.state }, bootedAt: g.bootedAt, log: [...g.log] });
    const end = Date.now() + this.timings.liveMigrationMs;
    for (;;) {
      const asked = await control.poll();
      if (asked === 'abort') {
        to.delete(id);
        return 'cancelled';
      }
      const left = end - Date.now();
      if (asked === 'force-complete' || left <= 0) break;
      await sleep(Math.min(LIVE_MIGRATION_POLL_MS, left));
    }
    const moved = to.get(id)!;
    moved.state = { ...this.guest(source, id).state };
    this.onHost(source).delete(id);
    return 'completed';
  }

  async snapshot(host: string, id: string): Promise<Uint8Array> {
    await sleep(this.timings.snapshotMs);
    this.maybeFail('snapshot', host);
    const g = this.guest(host, id);
    return fakeDisk(g.spec);
  }

  async consoleOutput(host: string, id: string, lines?: number): Promise<string> {
    const log = this.guest(host, id).log;
    const out = lines !== undefined ? log.slice(Math.max(0, log.length - lines)) : log;
    return out.join('\n') + '\n';
  }

  async state(host: string, id: string): Promise<GuestState | null> {
    const g = this.onHost(host).get(id);
    return g ? { ...g.state } : null;
  }

  async list(host: string): Promise<string[]> {
    return [...this.onHost(host).keys()];
  }
}

/** A small deterministic disk for a guest: a header naming it, then its image id's hash repeated (64 KiB). */
export function fakeDisk(spec: GuestSpec): Uint8Array {
  const disk = Buffer.alloc(64 * 1024);
  disk.write(`skybridge fake disk\ninstance=${spec.instanceId}\nimage=${spec.imageId ?? ''}\nhostname=${spec.hostname}\n`);
  const h = createHash('sha256').update(spec.imageId ?? spec.instanceId).digest();
  for (let o = 4096; o + h.length <= disk.length; o += h.length) h.copy(disk, o);
  return disk;
}

/** The console log of a boot, as cloud-init prints it: the hostname, the addresses and the injected key's fingerprint. */
function bootLog(spec: GuestSpec): string[] {
  const lines = [
    '[    0.000000] Linux version 6.1.0-skybridge (fake hypervisor)',
    `[    0.000000] Command line: root=LABEL=cloudimg-rootfs console=ttyS0`,
    `[    0.120000] Memory: ${spec.ramMb * 1024}K available, ${spec.vcpus} CPUs`,
    `Cloud-init v. 22.4.2 running 'init' at ${new Date().toUTCString()}.`,
    'ci-info: ++++++++++++++++++++++++Net device info++++++++++++++++++++++++',
    ...(spec.addresses?.length ? spec.addresses.map((a) => `ci-info: | eth0 | True | ${a} | . | global |`) : ['ci-info: | lo | True | 127.0.0.1 | 255.0.0.0 | host |']),
    `Cloud-init v. 22.4.2 running 'modules:config'.`,
    `hostname: ${spec.hostname}`,
  ];
  if (spec.publicKey) {
    const type = spec.publicKey.split(/\s+/)[0] ?? 'ssh-rsa';
    lines.push(
      `ci-info: ++++++++++++Authorized keys from /home/ubuntu/.ssh/authorized_keys for user ubuntu++++++++++++`,
      `ci-info: | Keytype | Fingerprint (md5) | Options | Comment |`,
      `ci-info: | ${type} | ${spec.keyFingerprint ?? ''} | - | ${spec.keyName ?? ''} |`,
    );
  }
  lines.push(`Cloud-init v. 22.4.2 finished. Datasource DataSourceOpenStack.`, '', `${spec.hostname} login: `);
  return lines;
}
