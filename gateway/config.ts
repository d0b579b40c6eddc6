// Reads skybridge's configuration from the environment, with defaults, failing at start on a bad value.
import { z } from 'zod';
import type { SecurityComplianceOptions } from '../core/identity/ports.js';
import type { ImageQuotas } from '../core/image/index.js';
import { DEFAULT_INLINE_MAX_BYTES } from '../core/objects/inline-blobs.js';

/** What one process does (`SKYBRIDGE_ROLE`): everything (the default, one process), HTTP only, or background work only. */
export type Role = 'all' | 'gateway' | 'worker';

/** Everything the composition root needs to build the system. */
export interface Config {
  /**
   * `all`: serves every API and runs the queue consumers and periodic jobs (`npm start`). `gateway`:
   * serves the APIs only. `worker`: runs the queue consumers and periodic jobs, and answers only
   * `GET /healthz` on its port. The split roles need PostgreSQL and Redis.
   */
  role: Role;
  host: string;
  port: number;
  /** Base URL clients use; the Keystone catalog is derived from it. */
  publicUrl: string;
  dataDir: string;
  /** Undefined means: generate on first start and keep it in the data dir. */
  adminPassword?: string;
  region: string;
  /** When set, jobs run on BullMQ; otherwise on the embedded durable queue. */
  redisUrl?: string;
  /**
   * How long a job claimed by a process that died stays claimed before another worker runs it
   * (`SKYBRIDGE_JOB_LEASE_SECONDS`; default 30 s with Redis, 300 s for the embedded queue). Running jobs renew it.
   */
  jobLeaseSeconds?: number;
  /**
   * Jobs one process runs at once (`SKYBRIDGE_JOB_CONCURRENCY`, default 16; per job name on BullMQ). A build waits for
   * group commits between its stages, so more builds in flight share each WAL sync.
   */
  jobConcurrency: number;
  /** Prefix of every Redis key (`SKYBRIDGE_REDIS_PREFIX`, default `skybridge`), so several systems can share one Redis. */
  redisPrefix: string;
  /** `SKYBRIDGE_DATABASE_URL`: a postgres:// URL puts the whole model in PostgreSQL; undefined keeps the SQLite file in the data dir. */
  databaseUrl?: string;
  /** Token lifetime in seconds (Keystone `[token] expiration`). */
  tokenTtlSeconds: number;
  /** Memory budget of the resolved-token cache, bytes (`SKYBRIDGE_TOKEN_CACHE_BYTES`, default 32 MiB). */
  tokenCacheBytes: number;
  /** Rotate the token keys automatically once the primary key is this many hours old; undefined: only by `npm run token-keys:rotate`. */
  tokenKeyRotationHours?: number;
  /** Add a new SSE-S3 wrapping key automatically once the primary is this many hours old (old keys are kept); undefined: only by `npm run sse-keys:rotate`. */
  sseKeyRotationHours?: number;
  /** Largest accepted JSON body for OpenStack APIs, in bytes. */
  jsonBodyLimit: number;
  /** How often the lifecycle sweep looks for objects bucket lifecycle rules made due (`SKYBRIDGE_LIFECYCLE_SWEEP_MS`, default 1 h). */
  lifecycleSweepMs: number;
  /** How long a stop (SIGTERM/SIGINT) waits for requests in flight before cutting them (`SKYBRIDGE_SHUTDOWN_DRAIN_MS`, default 10 s). */
  shutdownDrainMs: number;
  /** pino level; `silent` in tests. */
  logLevel: string;
  /** scrypt cost parameter N (power of two) for password hashing. */
  passwordHashCost: number;
  security: SecurityCompliance;
  /**
   * The blob auditor: every `intervalSeconds` it hands unreferenced blobs older than `graceSeconds` to
   * blob gc (a crash between a blob landing and its metadata committing leaves one); the grace also
   * bounds how long a crashed write's temp file is kept.
   */
  blobAudit: { intervalSeconds: number; graceSeconds: number };
  /** Objects and parts of at most this many bytes (declared, stored in clear) live in the database, not in the blob backend; 0: never (the default with the s3 backend). */
  inlineObjectBytes: number;
  /** Per-project image quotas (Glance's unified limits); unset means unlimited. */
  imageQuotas: ImageQuotas;
  /**
   * web-download: CIDR ranges the SSRF-safe fetcher may reach although they are private or loopback
   * (`SKYBRIDGE_IMAGE_IMPORT_ALLOW`, comma-separated), and the ports it may connect to
   * (`SKYBRIDGE_IMAGE_IMPORT_PORTS`, default 80,443).
   */
  imageImport: { allowRanges: string[]; ports: number[] };
  /** The network service (Neutron): simulated hosts and their agents, MAC base, quota defaults. */
  network: NetworkConfig;
  /** Where object bytes live (`SKYBRIDGE_BLOB_BACKEND`): files under the data dir (default), or an existing S3-compatible cluster. */
  blob: BlobBackendConfig;
  /** Compute: the simulated hosts of the fake hypervisor driver, their timings, and the default quotas. */
  compute: ComputeConfig;
}

/** `SKYBRIDGE_FAKE_*` and `SKYBRIDGE_COMPUTE_*` settings. */
export interface ComputeConfig {
  /** Simulated hosts (`SKYBRIDGE_FAKE_HOSTS`, default 2), each with this capacity. */
  fakeHosts: number;
  fakeHostVcpus: number;
  fakeHostRamMb: number;
  fakeHostDiskGb: number;
  /** Simulated spawn and power-operation times, ms (`SKYBRIDGE_FAKE_SPAWN_MS` default 50, `SKYBRIDGE_FAKE_POWER_MS` default 20). */
  fakeSpawnMs: number;
  fakePowerMs: number;
  /** How long a simulated live migration copies before completing by itself (`SKYBRIDGE_FAKE_LIVE_MIGRATION_MS`, default 50): long enough to force-complete or abort it. */
  fakeLiveMigrationMs: number;
  /** Guests whose name matches fail to spawn (`SKYBRIDGE_FAKE_FAIL_SPAWN`, a regular expression): failure injection over TCP. */
  fakeFailSpawn?: RegExp;
  /** Default per-project instance, cores and RAM quotas (`SKYBRIDGE_COMPUTE_QUOTA_INSTANCES`/`_CORES`/`_RAM`; Nova's 10/20/51200). */
  quotaInstances: number;
  quotaCores: number;
  quotaRamMb: number;
  /**
   * The metadata proxy's shared secret (`SKYBRIDGE_METADATA_SECRET`, Nova's `metadata_proxy_shared_secret`);
   * unset: one generated at first start in `<data dir>/metadata_proxy_shared_secret`.
   */
  metadataSecret: string | undefined;
  /** Believe an unsigned `X-Forwarded-For` on metadata requests (`SKYBRIDGE_METADATA_TRUST_FORWARDED_FOR`, Nova's `use_forwarded_for`; default false). */
  metadataTrustForwardedFor: boolean;
}

/** The `SKYBRIDGE_NETWORK_*` settings. */
export interface NetworkConfig {
  /**
   * Simulated hosts, each with an Open vSwitch, DHCP and metadata agent (`SKYBRIDGE_NETWORK_HOSTS`,
   * comma-separated, default `skybridge`); the first is the network host with the L3 agent
   * (`SKYBRIDGE_NETWORK_HOST` overrides). A port bound to another host brings that host's agents up.
   */
  hosts: string[];
  networkHost: string;
  /** First three octets of generated MACs (`SKYBRIDGE_NETWORK_BASE_MAC`, Neutron's `base_mac`, default fa:16:3e). */
  macBase: string;
  /** Per-project quota defaults (`SKYBRIDGE_NETWORK_QUOTA_<RESOURCE>`, e.g. `_PORT`); unset keeps Neutron's defaults; -1 is unlimited. */
  quotas: Partial<Record<'network' | 'subnet' | 'port' | 'router' | 'floatingip' | 'security_group' | 'security_group_rule' | 'subnetpool', number>>;
}

/** `fs`: files under `$SKYBRIDGE_DATA_DIR/blobs` (one machine, or a directory every process shares); `s3`: a bucket of an S3-compatible cluster. */
export type BlobBackendConfig = { backend: 'fs' } | { backend: 's3'; s3: S3BlobConfig };

/** The `SKYBRIDGE_BLOB_S3_*` settings of the S3 blob backend. */
export interface S3BlobConfig {
  /** http(s) URL of the cluster (`SKYBRIDGE_BLOB_S3_ENDPOINT`). */
  endpoint: string;
  /** The bucket, which must exist; under `prefix` it belongs to skybridge alone (the blob auditor removes what nothing references). */
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** SigV4 signing region (`SKYBRIDGE_BLOB_S3_REGION`, default us-east-1). */
  region: string;
  /** Key prefix of every blob: empty, or `/`-terminated segments (default `blobs/`). */
  prefix: string;
  /** Path-style addressing `endpoint/bucket/key` (default true: what most non-AWS clusters need). */
  forcePathStyle: boolean;
  /** Bytes per multipart part (`SKYBRIDGE_BLOB_S3_PART_SIZE`, default 8 MiB, at least 5 MiB); a body that fits in one part is a single PUT. */
  partSize: number;
}

/** Keystone's `[security_compliance]` options; all off by default, as in Keystone. */
export type SecurityCompliance = SecurityComplianceOptions;

const intVar = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const optInt = (env: Record<string, string | undefined>, name: string, min: number, max: number): number | undefined => {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const r = intVar(name, min, max).safeParse(raw);
  if (!r.success) throw new ConfigError(name, r.error.issues[0]?.message ?? 'invalid');
  return r.data;
};

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, why: string) {
    super(`Invalid configuration: ${variable}: ${why}`);
    this.name = 'ConfigError';
  }
}

const MIB = 1 << 20;

/** The blob backend settings; a missing or malformed S3 setting names its variable. */
function blobBackend(env: Record<string, string | undefined>): BlobBackendConfig {
  const backend = env.SKYBRIDGE_BLOB_BACKEND || 'fs';
  if (backend === 'fs') return { backend };
  if (backend !== 's3') throw new ConfigError('SKYBRIDGE_BLOB_BACKEND', `must be fs or s3, not ${backend}`);
  const required = (name: string): string => {
    const v = env[name];
    if (!v) throw new ConfigError(name, 'required when SKYBRIDGE_BLOB_BACKEND=s3');
    return v;
  };
  const endpoint = required('SKYBRIDGE_BLOB_S3_ENDPOINT').replace(/\/+$/, '');
  try {
    const u = new URL(endpoint);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new ConfigError('SKYBRIDGE_BLOB_S3_ENDPOINT', `not an http(s) URL: ${endpoint}`);
  }
  const bucket = required('SKYBRIDGE_BLOB_S3_BUCKET');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError('SKYBRIDGE_BLOB_S3_BUCKET', `not an S3 bucket name: ${bucket}`);
  const accessKeyId = required('SKYBRIDGE_BLOB_S3_ACCESS_KEY_ID');
  const secretAccessKey = required('SKYBRIDGE_BLOB_S3_SECRET_ACCESS_KEY');
  const region = env.SKYBRIDGE_BLOB_S3_REGION || 'us-east-1';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(region)) throw new ConfigError('SKYBRIDGE_BLOB_S3_REGION', `not a region name: ${region}`);
  const prefix = env.SKYBRIDGE_BLOB_S3_PREFIX ?? 'blobs/';
  // Whole segments only: with a bare `sky` prefix, another application's `skyline-1` would look like blob `line-1` to the auditor.
  if (!/^([A-Za-z0-9._-]+\/){0,8}$/.test(prefix) || prefix.length > 200 || prefix.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new ConfigError('SKYBRIDGE_BLOB_S3_PREFIX', 'must be empty or /-terminated segments of [A-Za-z0-9._-], e.g. blobs/');
  }
  const pathStyle = env.SKYBRIDGE_BLOB_S3_FORCE_PATH_STYLE || 'true';
  if (pathStyle !== 'true' && pathStyle !== 'false') throw new ConfigError('SKYBRIDGE_BLOB_S3_FORCE_PATH_STYLE', 'must be true or false');
  const partSize = optInt(env, 'SKYBRIDGE_BLOB_S3_PART_SIZE', 5 * MIB, 5 * 1024 * MIB) ?? 8 * MIB;
  return { backend, s3: { endpoint, bucket, accessKeyId, secretAccessKey, region, prefix, forcePathStyle: pathStyle === 'true', partSize } };
}

/**
 * `SKYBRIDGE_ROLE`. A split role is refused unless the processes can share everything: the model in
 * PostgreSQL (a SQLite file serves one process) and the jobs in Redis (the embedded queue runs the jobs
 * of the process that wrote them).
 */
function roleOf(raw: string | undefined, databaseUrl: string | undefined, redisUrl: string | undefined): Role {
  const role = raw || 'all';
  if (role !== 'all' && role !== 'gateway' && role !== 'worker') throw new ConfigError('SKYBRIDGE_ROLE', `must be all, gateway or worker, not ${role}`);
  if (role === 'all') return role;
  if (!databaseUrl) {
    throw new ConfigError('SKYBRIDGE_ROLE', `${role} needs SKYBRIDGE_DATABASE_URL=postgres://…: with SQLite one process (SKYBRIDGE_ROLE=all) serves everything`);
  }
  if (!redisUrl) {
    throw new ConfigError('SKYBRIDGE_ROLE', `${role} needs REDIS_URL=redis://…: without Redis the job queue is in-process, so only SKYBRIDGE_ROLE=all can run its jobs`);
  }
  return role;
}

function importPorts(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [80, 443];
  const ports = raw.split(',').map((s) => s.trim());
  for (const p of ports) if (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw new ConfigError('SKYBRIDGE_IMAGE_IMPORT_PORTS', `not a port: ${p}`);
  return ports.map(Number);
}

function computeConfig(env: Record<string, string | undefined>): ComputeConfig {
  let fail: RegExp | undefined;
  if (env.SKYBRIDGE_FAKE_FAIL_SPAWN) {
    try {
      fail = new RegExp(env.SKYBRIDGE_FAKE_FAIL_SPAWN);
    } catch {
      throw new ConfigError('SKYBRIDGE_FAKE_FAIL_SPAWN', 'not a valid regular expression');
    }
  }
  return {
    fakeHosts: optInt(env, 'SKYBRIDGE_FAKE_HOSTS', 1, 1000) ?? 2,
    fakeHostVcpus: optInt(env, 'SKYBRIDGE_FAKE_HOST_VCPUS', 1, 100000) ?? 64,
    fakeHostRamMb: optInt(env, 'SKYBRIDGE_FAKE_HOST_RAM_MB', 1, 1 << 30) ?? 262144,
    fakeHostDiskGb: optInt(env, 'SKYBRIDGE_FAKE_HOST_DISK_GB', 1, 1 << 30) ?? 4096,
    fakeSpawnMs: optInt(env, 'SKYBRIDGE_FAKE_SPAWN_MS', 0, 600_000) ?? 50,
    fakePowerMs: optInt(env, 'SKYBRIDGE_FAKE_POWER_MS', 0, 600_000) ?? 20,
    fakeLiveMigrationMs: optInt(env, 'SKYBRIDGE_FAKE_LIVE_MIGRATION_MS', 0, 3_600_000) ?? 50,
    fakeFailSpawn: fail,
    quotaInstances: optInt(env, 'SKYBRIDGE_COMPUTE_QUOTA_INSTANCES', 0, 1_000_000) ?? 10,
    quotaCores: optInt(env, 'SKYBRIDGE_COMPUTE_QUOTA_CORES', 0, 100_000_000) ?? 20,
    quotaRamMb: optInt(env, 'SKYBRIDGE_COMPUTE_QUOTA_RAM', 0, 2 ** 40) ?? 51200,
    metadataSecret: env.SKYBRIDGE_METADATA_SECRET || undefined,
    metadataTrustForwardedFor: ['1', 'true', 'yes'].includes((env.SKYBRIDGE_METADATA_TRUST_FORWARDED_FOR ?? '').toLowerCase()),
  };
}

function networkConfig(env: Record<string, string | undefined>): NetworkConfig {
  const names = (env.SKYBRIDGE_NETWORK_HOSTS ?? 'skybridge').split(',').map((h) => h.trim()).filter(Boolean);
  for (const h of names) if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(h)) throw new ConfigError('SKYBRIDGE_NETWORK_HOSTS', `not a host name: ${h}`);
  if (names.length === 0) throw new ConfigError('SKYBRIDGE_NETWORK_HOSTS', 'needs at least one host');
  const networkHost = env.SKYBRIDGE_NETWORK_HOST?.trim() || names[0]!;
  if (!names.includes(networkHost)) names.unshift(networkHost);
  const macBase = (env.SKYBRIDGE_NETWORK_BASE_MAC ?? 'fa:16:3e').toLowerCase();
  if (!/^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/.test(macBase) || (parseInt(macBase.slice(0, 2), 16) & 1) === 1) {
    throw new ConfigError('SKYBRIDGE_NETWORK_BASE_MAC', `not three octets of a unicast MAC: ${macBase}`);
  }
  const quotas: NetworkConfig['quotas'] = {};
  for (const r of ['network', 'subnet', 'port', 'router', 'floatingip', 'security_group', 'security_group_rule', 'subnetpool'] as const) {
    const name = `SKYBRIDGE_NETWORK_QUOTA_${r.toUpperCase()}`;
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    if (raw === '-1') quotas[r] = -1;
    else quotas[r] = optInt(env, name, 0, 1_000_000_000)!;
  }
  return { hosts: names, networkHost, macBase, quotas };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(raw: string | undefined): string {
  const level = raw || 'info';
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('SKYBRIDGE_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, not ${level}`);
  return level;
}

/** Builds a Config from an environment map (defaults to `process.env`). Throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const host = env.SKYBRIDGE_HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('SKYBRIDGE_HOST', `not a host name or address: ${host}`);
  const port = optInt(env, 'SKYBRIDGE_PORT', 0, 65535) ?? 8080;
  let publicUrl = env.SKYBRIDGE_PUBLIC_URL;
  if (publicUrl) {
    try {
      const u = new URL(publicUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new ConfigError('SKYBRIDGE_PUBLIC_URL', `not an http(s) URL: ${publicUrl}`);
    }
    publicUrl = publicUrl.replace(/\/+$/, '');
  } else {
    const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    publicUrl = `http://${h}:${port}`;
  }
  const region = env.SKYBRIDGE_REGION || 'RegionOne';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(region)) throw new ConfigError('SKYBRIDGE_REGION', `not a region name: ${region}`);
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  const databaseUrl = env.SKYBRIDGE_DATABASE_URL || undefined;
  if (databaseUrl) {
    let ok = false;
    try {
      ok = /^postgres(ql)?:$/.test(new URL(databaseUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) throw new ConfigError('SKYBRIDGE_DATABASE_URL', 'must be a postgres:// (or postgresql://) URL, e.g. postgres://user:password@127.0.0.1:5432/skybridge');
  }
  const redisPrefix = env.SKYBRIDGE_REDIS_PREFIX || 'skybridge';
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(redisPrefix)) {
    throw new ConfigError('SKYBRIDGE_REDIS_PREFIX', 'must be 1 to 100 characters of [A-Za-z0-9._:-], starting with a letter or digit');
  }
  const role = roleOf(env.SKYBRIDGE_ROLE, databaseUrl, redisUrl);
  const adminPassword = env.SKYBRIDGE_ADMIN_PASSWORD || undefined;
  const lockout = optInt(env, 'SKYBRIDGE_LOCKOUT_FAILURE_ATTEMPTS', 1, 1000);
  const regex = env.SKYBRIDGE_PASSWORD_REGEX || undefined;
  if (regex) {
    try {
      new RegExp(regex);
    } catch {
      throw new ConfigError('SKYBRIDGE_PASSWORD_REGEX', 'not a valid regular expression');
    }
  }
  return {
    role,
    host,
    port,
    publicUrl,
    dataDir: env.SKYBRIDGE_DATA_DIR || './data',
    adminPassword,
    region,
    redisUrl,
    redisPrefix,
    jobLeaseSeconds: optInt(env, 'SKYBRIDGE_JOB_LEASE_SECONDS', 1, 24 * 3600),
    jobConcurrency: optInt(env, 'SKYBRIDGE_JOB_CONCURRENCY', 1, 1024) ?? 16,
    databaseUrl,
    tokenTtlSeconds: optInt(env, 'SKYBRIDGE_TOKEN_EXPIRATION', 1, 7 * 24 * 3600) ?? 3600,
    tokenCacheBytes: optInt(env, 'SKYBRIDGE_TOKEN_CACHE_BYTES', 1 << 16, 2 ** 34) ?? 32 << 20,
    tokenKeyRotationHours: optInt(env, 'SKYBRIDGE_TOKEN_KEY_ROTATION_HOURS', 1, 24 * 366),
    sseKeyRotationHours: optInt(env, 'SKYBRIDGE_SSE_KEY_ROTATION_HOURS', 1, 24 * 3660),
    jsonBodyLimit: optInt(env, 'SKYBRIDGE_JSON_BODY_LIMIT', 1024, 1 << 30) ?? 1 << 20,
    lifecycleSweepMs: optInt(env, 'SKYBRIDGE_LIFECYCLE_SWEEP_MS', 1000, 7 * 86_400_000) ?? 3_600_000,
    shutdownDrainMs: optInt(env, 'SKYBRIDGE_SHUTDOWN_DRAIN_MS', 0, 3_600_000) ?? 10_000,
    logLevel: logLevel(env.SKYBRIDGE_LOG_LEVEL),
    passwordHashCost: optInt(env, 'SKYBRIDGE_PASSWORD_HASH_COST', 2, 1 << 20) ?? 1 << 14,
    imageQuotas: {
      imageCount: optInt(env, 'SKYBRIDGE_IMAGE_QUOTA_COUNT', 0, 1_000_000_000),
      totalBytes: optInt(env, 'SKYBRIDGE_IMAGE_QUOTA_BYTES', 0, 2 ** 50),
      stageBytes: optInt(env, 'SKYBRIDGE_IMAGE_QUOTA_STAGE_BYTES', 0, 2 ** 50),
    },
    imageImport: {
      allowRanges: (env.SKYBRIDGE_IMAGE_IMPORT_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      ports: importPorts(env.SKYBRIDGE_IMAGE_IMPORT_PORTS),
    },
    blobAudit: {
      intervalSeconds: optInt(env, 'SKYBRIDGE_BLOB_AUDIT_INTERVAL', 1, 7 * 24 * 3600) ?? 3600,
      graceSeconds: optInt(env, 'SKYBRIDGE_BLOB_AUDIT_GRACE', 1, 30 * 24 * 3600) ?? 3600,
    },
    // In front of a real cluster the bytes belong in the cluster: inlining is then only on request.
    inlineObjectBytes: optInt(env, 'SKYBRIDGE_INLINE_OBJECT_BYTES', 0, 1 << 20) ?? (env.SKYBRIDGE_BLOB_BACKEND === 's3' ? 0 : DEFAULT_INLINE_MAX_BYTES),
    blob: blobBackend(env),
    compute: computeConfig(env),
    network: networkConfig(env),
    security: {
      lockoutFailureAttempts: lockout,
      lockoutDurationSeconds: optInt(env, 'SKYBRIDGE_LOCKOUT_DURATION', 1, 1 << 30) ?? 1800,
      uniqueLastPasswordCount: optInt(env, 'SKYBRIDGE_UNIQUE_LAST_PASSWORD_COUNT', 0, 1000) ?? 0,
      minimumPasswordAgeDays: optInt(env, 'SKYBRIDGE_MINIMUM_PASSWORD_AGE', 0, 10000) ?? 0,
      passwordExpiresDays: optInt(env, 'SKYBRIDGE_PASSWORD_EXPIRES_DAYS', 1, 100000),
      passwordRegex: regex,
      passwordRegexDescription: env.SKYBRIDGE_PASSWORD_REGEX_DESCRIPTION || undefined,
      changePasswordUponFirstUse: env.SKYBRIDGE_CHANGE_PASSWORD_UPON_FIRST_USE === 'true',
    },
  };
}
