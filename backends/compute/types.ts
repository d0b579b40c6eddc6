// The hypervisor driver interface (Nova's virt driver): what a compute agent asks of the hosts it manages.

/** One host a driver manages, as the agent registers it. */
export interface HostSpec {
  /** Service host name (`nova-compute` host, `binding:host_id` of the ports bound on it). */
  host: string;
  hypervisorHostname: string;
  hypervisorType: string;
  hypervisorVersion: number;
  hostIp: string;
  vcpus: number;
  memoryMb: number;
  localGb: number;
}

/** What a guest is built from: ids and the facts the hypervisor needs, never database rows. */
export interface GuestSpec {
  instanceId: string;
  name: string;
  hostname: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  imageId: string | null;
  /** The injected public key (OpenSSH line) and its fingerprint, for the guest's console log. */
  keyName?: string | null;
  publicKey?: string | null;
  keyFingerprint?: string | null;
  /** Base64 user data as given. */
  userData?: string | null;
  /** The addresses the ports got, for the guest's network configuration. */
  addresses?: string[];
}

/** A power operation on a running guest. */
export type PowerOp = 'stop' | 'start' | 'reboot_soft' | 'reboot_hard' | 'pause' | 'unpause' | 'suspend' | 'resume' | 'rescue' | 'unrescue';

/** What an operator asked of a live migration while it runs (Nova's `active_migrations` queue). */
export type LiveMigrationRequest = 'force-complete' | 'abort';

/** How a live migration is watched: the driver asks `poll` between copy rounds what the operator wants. */
export interface LiveMigrationControl {
  poll(): Promise<LiveMigrationRequest | undefined> | LiveMigrationRequest | undefined;
}

/** What the driver reports about a guest. */
export interface GuestState {
  /** Nova power_state integer: 1 running, 3 paused, 4 shutdown, 7 suspended. */
  powerState: number;
  vcpus: number;
  ramMb: number;
  diskGb: number;
}

/**
 * A hypervisor driver. Every method is idempotent on the guest's id (the agent's jobs are delivered at
 * least once): spawning an existing guest succeeds, destroying a missing one succeeds. Methods throw
 * on failure; the agent turns that into a reschedule or a fault. A driver never touches the database.
 * Implementations: `fake` (simulated hosts, in memory); a QEMU/libvirt driver plugs in here too.
 */
export interface ComputeDriver {
  /** Driver name (Nova's `hypervisor_type`, e.g. `fake`, `QEMU`). */
  readonly type: string;
  /** The hosts this driver manages (one per agent in production; several for the fake). */
  hosts(): HostSpec[];
  /** Creates and boots a guest on `host`. */
  spawn(host: string, guest: GuestSpec): Promise<void>;
  /** Stops and removes a guest and its disk (a missing guest is fine). */
  destroy(host: string, instanceId: string): Promise<void>;
  power(host: string, instanceId: string, op: PowerOp): Promise<void>;
  /** Re-creates the guest's disk from a new image (rebuild) and boots it. */
  rebuild(host: string, guest: GuestSpec): Promise<void>;
  /** Changes the guest's size (resize on the same host). */
  resize(host: string, instanceId: string, size: { vcpus: number; ramMb: number; diskGb: number }): Promise<void>;
  /**
   * Moves a running (or paused) guest from `source` to `dest`, keeping its power state: copies until
   * done or until `control.poll()` answers `force-complete` (the guest is paused for the last copy and
   * the move completes at once) or `abort` (the copy on `dest` goes, the guest stays on `source`).
   * Resolves `completed` (the guest is on `dest` only) or `cancelled` (on `source` only).
   */
  liveMigrate(source: string, dest: string, instanceId: string, control: LiveMigrationControl): Promise<'completed' | 'cancelled'>;
  /** The guest's disk bytes (for a snapshot into the image service). */
  snapshot(host: string, instanceId: string): Promise<Uint8Array>;
  /** The guest's console log; the last `lines` lines when given. */
  consoleOutput(host: string, instanceId: string, lines?: number): Promise<string>;
  /** The guest, or null when the host has no such guest. */
  state(host: string, instanceId: string): Promise<GuestState | null>;
  /** Every guest id on a host (the agent's recovery compares it with the database). */
  list(host: string): Promise<string[]>;
}
