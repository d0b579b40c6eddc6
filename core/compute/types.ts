// The compute model as the faces see it: flavors, keypairs, instances, hosts and services, actions, faults, groups, quotas.
import type { FlavorSnapshot, InstanceAddress, RequestedNetworks } from '../db/schema/compute.js';

export type { FlavorSnapshot, InstanceAddress, RequestedNetworks } from '../db/schema/compute.js';

export interface Flavor {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  ephemeralGb: number;
  swapMb: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
}

export interface CreateFlavorInput {
  id?: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  ephemeralGb?: number;
  swapMb?: number;
  rxtxFactor?: number;
  isPublic?: boolean;
  description?: string | null;
}

export type KeypairType = 'ssh' | 'x509';

export interface Keypair {
  name: string;
  userId: string;
  type: KeypairType;
  publicKey: string;
  fingerprint: string;
  createdAt: number;
  /** Only on the answer to a generate request (never stored). */
  privateKey?: string;
}

/** The latest fault of an instance. */
export interface InstanceFault {
  code: number;
  message: string;
  details: string;
  createdAt: number;
}

/** One server, with the derived status. */
export interface Instance {
  id: string;
  ec2Id: string;
  projectId: string;
  userId: string;
  name: string;
  hostname: string;
  description: string | null;
  reservationId: string;
  launchIndex: number;
  flavor: FlavorSnapshot;
  imageId: string | null;
  keyName: string | null;
  keyData: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  vmState: string;
  taskState: string | null;
  powerState: number;
  status: string;
  host: string | null;
  node: string | null;
  availabilityZone: string | null;
  locked: boolean;
  lockedBy: string | null;
  lockedReason: string | null;
  accessIpv4: string | null;
  accessIpv6: string | null;
  configDrive: string;
  progress: number;
  addresses: Record<string, InstanceAddress[]>;
  securityGroups: string[];
  serverGroupId: string | null;
  tags: string[];
  launchedAt: number | null;
  terminatedAt: number | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
  fault?: InstanceFault;
  /** Set only on the create answer when Nova generates or takes one. */
  adminPass?: string;
}

/** What `POST /servers` asks for, after wire parsing. */
export interface CreateServersInput {
  name: string;
  flavorRef: string;
  /** Undefined for a boot from volume (not served yet). */
  imageRef?: string;
  keyName?: string;
  userData?: string;
  metadata?: Record<string, string>;
  availabilityZone?: string;
  networks: RequestedNetworks;
  securityGroups?: string[];
  minCount: number;
  maxCount: number;
  hints?: Record<string, unknown>;
  tags?: string[];
  description?: string | null;
  hostname?: string;
  adminPass?: string;
  accessIpv4?: string;
  accessIpv6?: string;
  configDrive?: boolean;
}

export interface CreateServersResult {
  reservationId: string;
  instances: Instance[];
}

/** Filters and paging of `GET /servers`. */
export interface ListServersOptions {
  /** Admin only: every project (`all_tenants`). */
  allTenants?: boolean;
  projectId?: string;
  userId?: string;
  name?: string;
  status?: string[];
  image?: string;
  flavor?: string;
  ip?: string;
  ip6?: string;
  changesSince?: number;
  changesBefore?: number;
  tags?: string[];
  tagsAny?: string[];
  notTags?: string[];
  notTagsAny?: string[];
  host?: string;
  reservationId?: string;
  availabilityZone?: string;
  locked?: boolean;
  keyName?: string;
  deleted?: boolean;
  limit?: number;
  marker?: string;
  sortKeys?: string[];
  sortDirs?: Array<'asc' | 'desc'>;
}

/** A compute host (hypervisor) with its service state. */
export interface Hypervisor {
  id: number;
  uuid: string;
  host: string;
  hypervisorHostname: string;
  hypervisorType: string;
  hypervisorVersion: number;
  hostIp: string;
  vcpus: number;
  memoryMb: number;
  localGb: number;
  vcpusUsed: number;
  memoryMbUsed: number;
  localGbUsed: number;
  runningVms: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  serviceId: number;
  serviceUuid: string;
  disabledReason: string | null;
  zone: string;
  startedAt: number;
}

export interface ComputeServiceInfo {
  id: number;
  uuid: string;
  binary: string;
  host: string;
  zone: string;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  disabledReason: string | null;
  forcedDown: boolean;
  updatedAt: number | null;
}

export interface InstanceActionEvent {
  event: string;
  host: string | null;
  result: string | null;
  traceback: string | null;
  startTime: number;
  finishTime: number | null;
}

export interface InstanceAction {
  action: string;
  instanceId: string;
  requestId: string;
  projectId: string;
  userId: string;
  message: string | null;
  startTime: number;
  updatedAt: number;
  events?: InstanceActionEvent[];
}

export interface ServerGroup {
  id: string;
  name: string;
  policy: string;
  rules: Record<string, number>;
  members: string[];
  projectId: string;
  userId: string;
}

/** The quota resources Nova counts or limits. */
export const QUOTA_RESOURCES = [
  'instances',
  'cores',
  'ram',
  'key_pairs',
  'metadata_items',
  'server_groups',
  'server_group_members',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** Nova's default quotas (`[quota]` options). */
export const DEFAULT_QUOTAS: Record<QuotaResource, number> = {
  instances: 10,
  cores: 20,
  ram: 51200,
  key_pairs: 100,
  metadata_items: 128,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
};

export interface QuotaDetail {
  limit: number;
  inUse: number;
  reserved: number;
}

/** Settings of the compute service, from config. */
export interface ComputeSettings {
  /** Defaults for every project's quota (overridden per resource). */
  defaultQuotas?: Partial<Record<QuotaResource, number>>;
  /** Seconds without a heartbeat after which a service is down (`service_down_time`, default 60). */
  serviceDownSeconds?: number;
  /** Scheduling attempts before ERROR "No valid host was found" (`max_attempts`, default 3). */
  maxAttempts?: number;
  /** The availability zone hosts belong to by default. */
  defaultZone?: string;
}
