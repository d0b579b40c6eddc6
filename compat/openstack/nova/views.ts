// Nova's response bodies per microversion: servers, flavors, keypairs, hypervisors, services, actions, groups, quotas, limits.
import { createHash } from 'node:crypto';
import type { ComputeServiceInfo, Flavor, Hypervisor, Instance, InstanceAction, Keypair, QuotaDetail, QuotaResource, ServerGroup } from '../../../core/compute/index.js';
import { atLeast, type Microversion } from './microversion.js';

/** Where links point: `{publicUrl}/compute`. */
export interface ViewContext {
  mv: Microversion;
  base: string;
  admin: boolean;
}

/** `2024-01-01T00:00:00Z` (servers, flavors). */
export const isoZ = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** `2024-01-01T00:00:00.000000` (launched_at, actions, keypairs: Nova prints these without a zone). */
export const isoMicro = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000'));

const links = (v: ViewContext, kind: string, id: string) => [
  { rel: 'self', href: `${v.base}/v2.1/${kind}/${id}` },
  { rel: 'bookmark', href: `${v.base}/${kind}/${id}` },
];

/** Nova's hostId: sha224 of project id + host, empty without a host. */
export const hostIdOf = (projectId: string, host: string | null) => (host ? createHash('sha224').update(projectId + host).digest('hex') : '');

/** `{id, name, links}` of the summary list. */
export function serverSummary(v: ViewContext, s: Instance) {
  return { id: s.id, name: s.name, links: links(v, 'servers', s.id) };
}

function addressesView(s: Instance) {
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const [net, list] of Object.entries(s.addresses)) {
    out[net] = list.map((a) => ({ version: a.version, addr: a.addr, 'OS-EXT-IPS:type': a.type, 'OS-EXT-IPS-MAC:mac_addr': a.mac }));
  }
  return out;
}

const PROGRESS = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

/**
 * One server in full, as the microversion shapes it. `hostStatus` is shown to admins from 2.16; `hostId`,
 * when given, is the server's already hashed hostId (a list hashes each project/host pair once).
 */
export function serverDetail(v: ViewContext, s: Instance, opts: { hostStatus?: string; hostId?: string } = {}) {
  const mv = v.mv;
  // During a resize awaiting confirmation the new flavor is the one shown.
  const f = s.flavor;
  const flavor = atLeast(mv, 47)
    ? { vcpus: f.vcpus, ram: f.ramMb, disk: f.diskGb, ephemeral: f.ephemeralGb, swap: f.swapMb, original_name: f.name, extra_specs: f.extraSpecs }
    : { id: f.id, links: [{ rel: 'bookmark', href: `${v.base}/flavors/${f.id}` }] };
  const admin = v.admin;
  const attrs = admin && atLeast(mv, 3);
  const fault = s.fault && (s.status === 'ERROR' || s.status === 'DELETED') ? s.fault : undefined;
  // One literal whatever the microversion: keys a shape lacks are undefined, which JSON leaves out. Adding
  // them one by one after the literal made V8 turn a thousand-server list into slow dictionaries.
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: opts.hostId ?? hostIdOf(s.projectId, s.host),
    image: s.imageId ? { id: s.imageId, links: [{ rel: 'bookmark', href: `${v.base}/images/${s.imageId}` }] } : '',
    flavor,
    created: isoZ(s.createdAt),
    updated: isoZ(s.updatedAt),
    addresses: addressesView(s),
    accessIPv4: s.accessIpv4 ?? '',
    accessIPv6: s.accessIpv6 ?? '',
    links: links(v, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': s.availabilityZone ?? '',
    config_drive: s.configDrive,
    key_name: s.keyName,
    'OS-SRV-USG:launched_at': isoMicro(s.launchedAt),
    'OS-SRV-USG:terminated_at': isoMicro(s.terminatedAt),
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'os-extended-volumes:volumes_attached': [],
    security_groups: s.securityGroups.map((name) => ({ name })),
    progress: PROGRESS.has(s.status) ? s.progress : undefined,
    fault: fault
      ? {
          code: fault.code,
          created: isoZ(fault.createdAt),
          message: fault.message,
          details: fault.details && (admin || fault.code !== 500) ? fault.details : undefined,
        }
      : undefined,
    'OS-EXT-SRV-ATTR:host': admin ? s.host : undefined,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': admin ? s.node : undefined,
    'OS-EXT-SRV-ATTR:instance_name': admin ? `instance-${s.id.slice(0, 8)}` : undefined,
    'OS-EXT-SRV-ATTR:reservation_id': attrs ? s.reservationId : undefined,
    'OS-EXT-SRV-ATTR:launch_index': attrs ? s.launchIndex : undefined,
    'OS-EXT-SRV-ATTR:hostname': attrs || (!admin && atLeast(mv, 90)) ? s.hostname : undefined,
    'OS-EXT-SRV-ATTR:kernel_id': attrs ? '' : undefined,
    'OS-EXT-SRV-ATTR:ramdisk_id': attrs ? '' : undefined,
    'OS-EXT-SRV-ATTR:root_device_name': attrs ? '/dev/vda' : undefined,
    'OS-EXT-SRV-ATTR:user_data': attrs ? s.userData : undefined,
    locked: atLeast(mv, 9) ? s.locked : undefined,
    host_status: atLeast(mv, 16) && opts.hostStatus !== undefined ? opts.hostStatus : undefined,
    description: atLeast(mv, 19) ? s.description : undefined,
    tags: atLeast(mv, 26) ? s.tags : undefined,
    trusted_image_certificates: atLeast(mv, 63) ? null : undefined,
    server_groups: atLeast(mv, 71) ? (s.serverGroupId ? [s.serverGroupId] : []) : undefined,
    locked_reason: atLeast(mv, 73) ? s.lockedReason : undefined,
    pinned_availability_zone: atLeast(mv, 96) ? null : undefined,
  };
}

/** The `POST /servers` answer. */
export function serverCreated(v: ViewContext, s: Instance, adminPass: string | undefined) {
  const out: Record<string, unknown> = { id: s.id, links: links(v, 'servers', s.id), 'OS-DCF:diskConfig': 'MANUAL', security_groups: s.securityGroups.map((name) => ({ name })) };
  if (adminPass !== undefined) out.adminPass = adminPass;
  return out;
}

/** A flavor; the summary list shows `{id, name, links}` (+ description from 2.55). */
export function flavorView(v: ViewContext, f: Flavor, detail = true) {
  const out: Record<string, unknown> = { id: f.id, name: f.name, links: links(v, 'flavors', f.id) };
  if (atLeast(v.mv, 55)) out.description = f.description;
  if (!detail) return out;
  Object.assign(out, {
    ram: f.ramMb,
    disk: f.diskGb,
    vcpus: f.vcpus,
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGb,
    'OS-FLV-DISABLED:disabled': f.disabled,
    swap: atLeast(v.mv, 75) ? f.swapMb : f.swapMb === 0 ? '' : f.swapMb,
    rxtx_factor: f.rxtxFactor,
    'os-flavor-access:is_public': f.isPublic,
  });
  if (atLeast(v.mv, 61)) out.extra_specs = f.extraSpecs;
  return out;
}

/** A key pair: `list` entries carry no user or date; `create` adds the private key when generated. */
export function keypairView(v: ViewContext, k: Keypair, form: 'create' | 'list' | 'show') {
  const out: Record<string, unknown> = { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint };
  if (atLeast(v.mv, 2)) out.type = k.type;
  if (form === 'create') {
    out.user_id = k.userId;
    if (k.privateKey) out.private_key = k.privateKey;
  }
  if (form === 'show') Object.assign(out, { user_id: k.userId, created_at: isoMicro(k.createdAt), deleted: false, deleted_at: null, updated_at: null, id: idFromName(k.name) });
  return out;
}

/** Nova's integer keypair id (a database id there); stable here. */
const idFromName = (name: string) => createHash('sha1').update(name).digest().readUInt32BE(0) & 0x7fffffff;

export function hypervisorView(v: ViewContext, h: Hypervisor, detail: boolean, servers?: Array<{ id: string; name: string }>) {
  const uuids = atLeast(v.mv, 53);
  const out: Record<string, unknown> = { id: uuids ? h.uuid : h.id, hypervisor_hostname: h.hypervisorHostname, state: h.state, status: h.status };
  if (detail) {
    Object.assign(out, { host_ip: h.hostIp, hypervisor_type: h.hypervisorType, hypervisor_version: h.hypervisorVersion, service: { host: h.host, id: uuids ? h.serviceUuid : h.serviceId, disabled_reason: h.disabledReason } });
    if (!atLeast(v.mv, 88)) {
      Object.assign(out, {
        cpu_info: JSON.stringify({ arch: 'x86_64', model: 'fake', vendor: 'skybridge', topology: { cells: 1, sockets: 1, cores: h.vcpus, threads: 1 }, features: [] }),
        current_workload: 0,
        disk_available_least: h.localGb - h.localGbUsed,
        free_disk_gb: h.localGb - h.localGbUsed,
        free_ram_mb: h.memoryMb - h.memoryMbUsed,
        local_gb: h.localGb,
        local_gb_used: h.localGbUsed,
        memory_mb: h.memoryMb,
        memory_mb_used: h.memoryMbUsed,
        running_vms: h.runningVms,
        vcpus: h.vcpus,
        vcpus_used: h.vcpusUsed,
      });
    } else {
      out.uptime = uptime(h.startedAt);
    }
  }
  if (servers) out.servers = servers.map((s) => ({ uuid: s.id, name: s.name }));
  return out;
}

/** `uptime`-style text for `os-hypervisors/{id}/uptime`. */
export function uptime(startedAt: number): string {
  const s = Math.max(0, Math.floor((Date.now() - startedAt) / 1000));
  const hh = String(Math.floor((s % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  return ` ${new Date().toISOString().slice(11, 19)} up ${Math.floor(s / 86400)} days, ${hh}:${mm},  1 user,  load average: 0.00, 0.00, 0.00`;
}

export function serviceView(v: ViewContext, s: ComputeServiceInfo) {
  const out: Record<string, unknown> = {
    id: atLeast(v.mv, 53) ? s.uuid : s.id,
    binary: s.binary,
    host: s.host,
    zone: s.zone,
    status: s.status,
    state: s.state,
    updated_at: s.updatedAt === null ? null : isoMicro(s.updatedAt),
    disabled_reason: s.disabledReason,
  };
  if (atLeast(v.mv, 11)) out.forced_down = s.forcedDown;
  return out;
}

export function actionView(v: ViewContext, a: InstanceAction) {
  const out: Record<string, unknown> = { action: a.action, instance_uuid: a.instanceId, request_id: a.requestId, user_id: a.userId, project_id: a.projectId, start_time: isoMicro(a.startTime), message: a.message };
  if (atLeast(v.mv, 58)) out.updated_at = isoMicro(a.updatedAt);
  if (a.events) {
    // Events are admin-only before 2.51; tracebacks stay admin-only.
    if (v.admin || atLeast(v.mv, 51)) {
      out.events = a.events.map((e) => {
        const ev: Record<string, unknown> = { event: e.event, start_time: isoMicro(e.startTime), finish_time: isoMicro(e.finishTime), result: e.result };
        if (v.admin) ev.traceback = e.traceback;
        if (atLeast(v.mv, 62)) {
          ev.hostId = hostIdOf(a.projectId, e.host);
          if (v.admin) ev.host = e.host ?? '';
        }
        return ev;
      });
    }
  }
  return out;
}

export function serverGroupView(v: ViewContext, g: ServerGroup) {
  const out: Record<string, unknown> = { id: g.id, name: g.name, members: g.members };
  if (atLeast(v.mv, 64)) Object.assign(out, { policy: g.policy, rules: g.rules });
  else Object.assign(out, { policies: [g.policy], metadata: {} });
  if (atLeast(v.mv, 13)) Object.assign(out, { project_id: g.projectId, user_id: g.userId });
  return out;
}

/** Quota resources hidden from 2.36 (network proxies) and 2.57 (personality). */
const NETWORK_QUOTAS = { fixed_ips: -1, floating_ips: 10, security_groups: 10, security_group_rules: 20 };

export function quotaSetView(v: ViewContext, id: string, limits: Record<QuotaResource, number>) {
  const out: Record<string, unknown> = { id, cores: limits.cores, instances: limits.instances, ram: limits.ram, key_pairs: limits.key_pairs, metadata_items: limits.metadata_items, server_groups: limits.server_groups, server_group_members: limits.server_group_members };
  if (!atLeast(v.mv, 57)) Object.assign(out, { injected_files: limits.injected_files, injected_file_content_bytes: limits.injected_file_content_bytes, injected_file_path_bytes: limits.injected_file_path_bytes });
  if (!atLeast(v.mv, 36)) Object.assign(out, NETWORK_QUOTAS);
  return out;
}

export function quotaDetailView(v: ViewContext, id: string, d: Record<QuotaResource, QuotaDetail>) {
  const pick = (r: QuotaResource) => ({ limit: d[r].limit, in_use: d[r].inUse, reserved: d[r].reserved });
  const out: Record<string, unknown> = { id };
  for (const r of ['cores', 'instances', 'ram', 'key_pairs', 'metadata_items', 'server_groups', 'server_group_members'] as const) out[r] = pick(r);
  if (!atLeast(v.mv, 57)) for (const r of ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'] as const) out[r] = pick(r);
  if (!atLeast(v.mv, 36)) for (const [k, l] of Object.entries(NETWORK_QUOTAS)) out[k] = { limit: l, in_use: 0, reserved: 0 };
  return out;
}

export function limitsView(v: ViewContext, d: Record<QuotaResource, QuotaDetail>) {
  const absolute: Record<string, number> = {
    maxServerMeta: d.metadata_items.limit,
    maxImageMeta: d.metadata_items.limit,
    maxTotalKeypairs: d.key_pairs.limit,
    maxTotalCores: d.cores.limit,
    maxTotalInstances: d.instances.limit,
    maxTotalRAMSize: d.ram.limit,
    maxServerGroups: d.server_groups.limit,
    maxServerGroupMembers: d.server_group_members.limit,
    totalCoresUsed: d.cores.inUse,
    totalRAMUsed: d.ram.inUse,
    totalInstancesUsed: d.instances.inUse,
    totalServerGroupsUsed: d.server_groups.inUse,
  };
  if (!atLeast(v.mv, 57)) Object.assign(absolute, { maxPersonality: d.injected_files.limit, maxPersonalitySize: d.injected_file_content_bytes.limit });
  if (!atLeast(v.mv, 36)) Object.assign(absolute, { maxSecurityGroupRules: 20, maxSecurityGroups: 10, maxTotalFloatingIps: 10, totalSecurityGroupsUsed: 0, totalFloatingIpsUsed: 0 });
  return { limits: { rate: [], absolute } };
}
