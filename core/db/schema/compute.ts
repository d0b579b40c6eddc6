// Drizzle schema for the compute aggregate: flavors, keypairs, services and compute nodes, instances, actions, faults, quotas, server groups.
import { sqliteTable, text, integer, real, primaryKey, uniqueIndex, index } from 'drizzle-orm/sqlite-core';

/** Milliseconds since the epoch; every timestamp in the model is stored this way. */
const ms = (name: string) => integer(name);

/** A flavor (instance type). `id` is Nova's flavorid (a string: devstack's are `1`…`5`, `c1`, `d1`…). */
export const cmpFlavors = sqliteTable(
  'cmp_flavors',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    vcpus: integer('vcpus').notNull(),
    ramMb: integer('ram_mb').notNull(),
    diskGb: integer('disk_gb').notNull(),
    ephemeralGb: integer('ephemeral_gb').notNull().default(0),
    swapMb: integer('swap_mb').notNull().default(0),
    rxtxFactor: real('rxtx_factor').notNull().default(1),
    isPublic: integer('is_public', { mode: 'boolean' }).notNull().default(true),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    description: text('description'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('cmp_flavors_name_uq').on(t.name)],
);

export const cmpFlavorExtraSpecs = sqliteTable(
  'cmp_flavor_extra_specs',
  {
    flavorId: text('flavor_id')
      .notNull()
      .references(() => cmpFlavors.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flavorId, t.key] })],
);

/** Projects a private flavor is shared with. */
export const cmpFlavorAccess = sqliteTable(
  'cmp_flavor_access',
  {
    flavorId: text('flavor_id')
      .notNull()
      .references(() => cmpFlavors.id, { onDelete: 'cascade' }),
    projectId: text('project_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flavorId, t.projectId] })],
);

/** A user's key pair (Nova keypairs belong to a user, not a project). */
export const cmpKeypairs = sqliteTable(
  'cmp_keypairs',
  {
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    /** EC2 id (`key-` + 17 hex), assigned at creation. */
    ec2Id: text('ec2_id').notNull(),
    projectId: text('project_id'),
    type: text('type').notNull(),
    publicKey: text('public_key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.name] }), uniqueIndex('cmp_keypairs_ec2_id_uq').on(t.ec2Id)],
);

/** A service process (nova-compute per host, nova-scheduler, nova-conductor): heartbeat and admin switches. */
export const cmpServices = sqliteTable(
  'cmp_services',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uuid: text('uuid').notNull(),
    binary: text('binary').notNull(),
    host: text('host').notNull(),
    zone: text('zone').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    disabledReason: text('disabled_reason'),
    forcedDown: integer('forced_down', { mode: 'boolean' }).notNull().default(false),
    lastSeenAt: ms('last_seen_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('cmp_services_host_binary_uq').on(t.host, t.binary), uniqueIndex('cmp_services_uuid_uq').on(t.uuid)],
);

/**
 * A compute node (hypervisor): its capacity, allocation ratios, and what is claimed on it. `*_used`
 * change only by conditional UPDATEs (a claim succeeds only if it fits), so no host is over-committed.
 */
export const cmpComputeNodes = sqliteTable(
  'cmp_compute_nodes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uuid: text('uuid').notNull(),
    host: text('host').notNull(),
    hypervisorHostname: text('hypervisor_hostname').notNull(),
    hypervisorType: text('hypervisor_type').notNull(),
    hypervisorVersion: integer('hypervisor_version').notNull(),
    hostIp: text('host_ip').notNull(),
    vcpus: integer('vcpus').notNull(),
    memoryMb: integer('memory_mb').notNull(),
    localGb: integer('local_gb').notNull(),
    vcpusUsed: integer('vcpus_used').notNull().default(0),
    memoryMbUsed: integer('memory_mb_used').notNull().default(0),
    localGbUsed: integer('local_gb_used').notNull().default(0),
    runningVms: integer('running_vms').notNull().default(0),
    cpuAllocationRatio: real('cpu_allocation_ratio').notNull(),
    ramAllocationRatio: real('ram_allocation_ratio').notNull(),
    diskAllocationRatio: real('disk_allocation_ratio').notNull(),
    startedAt: ms('started_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('cmp_compute_nodes_host_uq').on(t.host), uniqueIndex('cmp_compute_nodes_uuid_uq').on(t.uuid)],
);

/** One server. `vm_state`/`task_state`/`power_state` follow Nova's state machine; transitions are compare-and-swap updates. */
export const cmpInstances = sqliteTable(
  'cmp_instances',
  {
    id: text('id').primaryKey(),
    /** EC2 id (`i-` + 17 hex), assigned at creation. */
    ec2Id: text('ec2_id').notNull(),
    projectId: text('project_id').notNull(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    hostname: text('hostname').notNull(),
    description: text('description'),
    reservationId: text('reservation_id').notNull(),
    launchIndex: integer('launch_index').notNull().default(0),
    /** The flavor as it was at boot (Nova keeps a copy: later flavor edits do not change a server). */
    flavor: text('flavor', { mode: 'json' }).$type<FlavorSnapshot>().notNull(),
    /** During a resize: the flavor being moved to (`new`) and the one to return to on revert (`old`). */
    newFlavor: text('new_flavor', { mode: 'json' }).$type<FlavorSnapshot | null>(),
    oldFlavor: text('old_flavor', { mode: 'json' }).$type<FlavorSnapshot | null>(),
    imageId: text('image_id'),
    keyName: text('key_name'),
    keyData: text('key_data'),
    userData: text('user_data'),
    adminPass: text('admin_pass'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    vmState: text('vm_state').notNull(),
    taskState: text('task_state'),
    powerState: integer('power_state').notNull().default(0),
    /** The vm_state to return to when a stopped server's resize is confirmed or reverted, and a shelved server's before shelving. */
    previousVmState: text('previous_vm_state'),
    host: text('host'),
    node: text('node'),
    availabilityZone: text('availability_zone'),
    requestedZone: text('requested_zone'),
    locked: integer('locked', { mode: 'boolean' }).notNull().default(false),
    lockedBy: text('locked_by'),
    lockedReason: text('locked_reason'),
    accessIpv4: text('access_ipv4'),
    accessIpv6: text('access_ipv6'),
    configDrive: text('config_drive').notNull().default(''),
    progress: integer('progress').notNull().default(0),
    /** What the request asked of the network: `auto`, `none`, or the list of uuid/port/fixed_ip entries. */
    requestedNetworks: text('requested_networks', { mode: 'json' }).$type<RequestedNetworks>().notNull(),
    /** The addresses of the bound ports, by network name (what `addresses` shows). */
    addresses: text('addresses', { mode: 'json' }).$type<Record<string, InstanceAddress[]>>().notNull().default({}),
    securityGroups: text('security_groups', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** Scheduler input: hints, server group, hosts already tried, attempts. */
    schedule: text('schedule', { mode: 'json' }).$type<ScheduleState>().notNull(),
    serverGroupId: text('server_group_id'),
    launchedAt: ms('launched_at'),
    terminatedAt: ms('terminated_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    uniqueIndex('cmp_instances_ec2_id_uq').on(t.ec2Id),
    index('cmp_instances_project_idx').on(t.projectId, t.deletedAt, t.createdAt),
    index('cmp_instances_host_idx').on(t.host, t.deletedAt),
    index('cmp_instances_updated_idx').on(t.updatedAt),
    index('cmp_instances_reservation_idx').on(t.reservationId),
  ],
);

/** A flavor as copied onto an instance. */
export interface FlavorSnapshot {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  ephemeralGb: number;
  swapMb: number;
  extraSpecs: Record<string, string>;
}

/** One address of a server, as Nova shows it. */
export interface InstanceAddress {
  version: 4 | 6;
  addr: string;
  mac: string;
  type: 'fixed' | 'floating';
  portId?: string;
}

/** The networks a server asked for. */
export type RequestedNetworks = 'auto' | 'none' | Array<{ networkId?: string; portId?: string; fixedIp?: string; tag?: string }>;

/** What the scheduler needs between attempts. */
export interface ScheduleState {
  attempts: number;
  triedHosts: string[];
  hints: Record<string, unknown>;
  /** The image's properties when the server was created (Nova's RequestSpec keeps the image it booted with); absent on rows from before. */
  imageProperties?: Record<string, string>;
}

export const cmpInstanceTags = sqliteTable(
  'cmp_instance_tags',
  {
    instanceId: text('instance_id')
      .notNull()
      .references(() => cmpInstances.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.instanceId, t.tag] }), index('cmp_instance_tags_tag_idx').on(t.tag)],
);

/** A user-visible action on an instance (`create`, `stop`...), keyed by the request id that started it. */
export const cmpInstanceActions = sqliteTable(
  'cmp_instance_actions',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id').notNull(),
    requestId: text('request_id').notNull(),
    action: text('action').notNull(),
    projectId: text('project_id').notNull(),
    userId: text('user_id').notNull(),
    message: text('message'),
    startTime: ms('start_time').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('cmp_instance_actions_instance_idx').on(t.instanceId, t.startTime), index('cmp_instance_actions_request_idx').on(t.instanceId, t.requestId)],
);

/** A step of an action (`compute__do_build_and_run_instance`...), with its host and result. */
export const cmpInstanceActionEvents = sqliteTable(
  'cmp_instance_action_events',
  {
    id: text('id').primaryKey(),
    actionId: text('action_id')
      .notNull()
      .references(() => cmpInstanceActions.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    host: text('host'),
    result: text('result'),
    traceback: text('traceback'),
    startTime: ms('start_time').notNull(),
    finishTime: ms('finish_time'),
  },
  (t) => [uniqueIndex('cmp_instance_action_events_uq').on(t.actionId, t.event)],
);

/** The last failure of an instance (Nova shows the newest one while the server is in ERROR). */
export const cmpInstanceFaults = sqliteTable(
  'cmp_instance_faults',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id').notNull(),
    code: integer('code').notNull(),
    message: text('message').notNull(),
    details: text('details').notNull().default(''),
    host: text('host'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('cmp_instance_faults_instance_idx').on(t.instanceId, t.createdAt)],
);

/** Per-project quota limits an admin set (`os-quota-sets`); a missing row means the default. */
export const cmpQuotaLimits = sqliteTable(
  'cmp_quota_limits',
  {
    projectId: text('project_id').notNull(),
    resource: text('resource').notNull(),
    hardLimit: integer('hard_limit').notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.resource] })],
);

/**
 * A project's claimed instances, cores and RAM. A boot claims with one conditional UPDATE (`in_use + n
 * <= limit`), so concurrent boots can never exceed the quota, on SQLite or PostgreSQL.
 */
export const cmpQuotaUsage = sqliteTable('cmp_quota_usage', {
  projectId: text('project_id').primaryKey(),
  instances: integer('instances').notNull().default(0),
  cores: integer('cores').notNull().default(0),
  ramMb: integer('ram_mb').notNull().default(0),
});

export const cmpServerGroups = sqliteTable(
  'cmp_server_groups',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id').notNull(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    policy: text('policy').notNull(),
    rules: text('rules', { mode: 'json' }).$type<Record<string, number>>().notNull().default({}),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('cmp_server_groups_project_idx').on(t.projectId)],
);

export const cmpServerGroupMembers = sqliteTable(
  'cmp_server_group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => cmpServerGroups.id, { onDelete: 'cascade' }),
    instanceId: text('instance_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.instanceId] }), index('cmp_server_group_members_instance_idx').on(t.instanceId)],
);

/**
 * A device tag on one of an instance's ports (Nova's `virtual_interfaces.tag`): given when the port was
 * attached (`os-interface` from 2.49), shown by os-interface from 2.70 and in the metadata service's
 * `devices`. The row goes when the port is detached or the instance deleted.
 */
export const cmpVirtualInterfaces = sqliteTable(
  'cmp_virtual_interfaces',
  {
    portId: text('port_id').primaryKey(),
    instanceId: text('instance_id').notNull(),
    tag: text('tag').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('cmp_virtual_interfaces_instance_idx').on(t.instanceId)],
);

/** A one-time remote console token (the console proxy route accepts it once, before it expires). */
export const cmpConsoleTokens = sqliteTable('cmp_console_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  instanceId: text('instance_id').notNull(),
  consoleType: text('console_type').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usedAt: ms('used_at'),
});

/**
 * A move of an instance between hosts (Nova's `migrations`): cold migrations (`migration`, through
 * VERIFY_RESIZE) and live migrations (`live-migration`). `status` follows Nova's values
 * (`pre-migrating` → `migrating` → `post-migrating` → `finished` → `confirmed`/`reverted`, or
 * `queued` → `preparing` → `running` → `completed` live; `error` on failure).
 */
export const cmpMigrations = sqliteTable(
  'cmp_migrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uuid: text('uuid').notNull(),
    instanceId: text('instance_id').notNull(),
    projectId: text('project_id').notNull(),
    userId: text('user_id').notNull(),
    migrationType: text('migration_type').notNull(),
    status: text('status').notNull(),
    sourceCompute: text('source_compute').notNull(),
    sourceNode: text('source_node').notNull(),
    /** Chosen by the scheduler (or the admin's `host`); null until then. */
    destCompute: text('dest_compute'),
    destNode: text('dest_node'),
    destHost: text('dest_host'),
    /** The host the admin asked for (2.56 `host`, live `host`), if any. */
    requestedHost: text('requested_host'),
    /**
     * What an admin asked of a live migration in progress (`force-complete`, 2.22; `abort`, 2.24), for the
     * agent running it to act on (Nova's `active_migrations` queue); an abort is never replaced.
     */
    requestedOp: text('requested_op', { enum: ['force-complete', 'abort'] }),
    oldFlavorId: text('old_flavor_id').notNull(),
    newFlavorId: text('new_flavor_id').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('cmp_migrations_uuid_uq').on(t.uuid), index('cmp_migrations_instance_idx').on(t.instanceId, t.createdAt), index('cmp_migrations_updated_idx').on(t.updatedAt)],
);
