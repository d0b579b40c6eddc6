// The composition root: builds every service, backend and family app from config, with no module-level state.
import { Hono } from 'hono';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { FsBlobStore } from '../backends/blob/fs-blob-store.js';
import { MemoryBlobStore } from '../backends/blob/memory-blob-store.js';
import { S3BlobStore } from '../backends/blob/s3-blob-store.js';
import type { BlobStore } from '../backends/blob/types.js';
import { requestHeaders } from '../core/request-headers.js';
import { InlineBlobStore } from '../core/objects/inline-blobs.js';
import { SafeHttpFetcher } from '../backends/fetch/safe-http-fetcher.js';
import { FileKeyRing } from '../backends/crypto/file-key-ring.js';
import { keysToDrop } from '../backends/crypto/key-file-format.js';
import { ScryptHasher } from '../backends/crypto/scrypt-hasher.js';
import { BullMqQueue } from '../backends/queue/bullmq-queue.js';
import { EmbeddedQueue } from '../backends/queue/embedded-queue.js';
import { bucketFromHost, isAwsRequest } from '../compat/ec2-s3/s3/address.js';
import { createS3App } from '../compat/ec2-s3/s3/app.js';
import { createGlanceApp, versions as glanceVersions } from '../compat/openstack/glance/app.js';
import { GLANCE_PREFIX } from '../compat/openstack/glance/operations.js';
import { createKeystoneApp } from '../compat/openstack/keystone/app.js';
import { createNeutronApp, versions as neutronVersions } from '../compat/openstack/neutron/app.js';
import { NEUTRON_PREFIX } from '../compat/openstack/neutron/operations.js';
import { FakeNetworkAgentDriver } from '../backends/network/fake-agent-driver.js';
import type { NetworkAgentDriver } from '../backends/network/types.js';
import { SWIFT_PREFIX, createSwiftApp } from '../compat/openstack/swift/app.js';
import { CLIENT_ABORT_STATUS, isClientAbort } from '../core/client-abort.js';
import { rawTarget } from '../core/context.js';
import { GroupCommit } from '../core/db/group-commit.js';
import { openDatabase, type OpenDb } from '../core/db/index.js';
import { openTestDatabase } from '../core/db/testing.js';
import { DbKeyRing } from '../core/identity/db-key-ring.js';
import { createIdentity, type Identity } from '../core/identity/index.js';
import { ImageService } from '../core/image/index.js';
import { DEFAULT_SETTINGS, NetworkService } from '../core/network/index.js';
import type { Clock, TokenKeyRing } from '../core/identity/ports.js';
import { createOutboxStore, walBookkeeping } from '../core/jobs/outbox.js';
import { createPeriodicLeases } from '../core/jobs/leases.js';
import { createPeriodicScheduler, type PeriodicScheduler } from '../core/jobs/periodic.js';
import type { JobQueue } from '../core/jobs/port.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { scheduleBlobAudit } from '../core/objects/blob-auditor.js';
import { ObjectService } from '../core/objects/object-service.js';
import type { SseKeyRing } from '../core/objects/sse-cipher.js';
import { isCoreError } from '../core/errors.js';
import { ConfigError, type Config } from './config.js';
import type { GatewayEnv } from './env.js';
import { firstStart, type FirstStartInfo } from './first-start.js';
import { openSseKeyRing, scheduleSseKeyRotation } from './sse-keys.js';
import { scheduleTokenKeyRotation, tokenKeyDir } from './token-keys.js';
import { accessLog } from './middleware/access-log.js';
import { version } from './cli.js';
import { landingPage, wantsLandingPage } from './landing.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { requestId } from './middleware/request-id.js';
import { registerObjectStoreWorkers } from '../workers/object-store/register-object-store-workers.js';
import { registerImageWorkers } from '../workers/image-import/register-image-workers.js';
import { registerNetworkWorkers } from '../workers/network/register-network-workers.js';
import { FakeComputeDriver } from '../backends/compute/fake-driver.js';
import type { ComputeDriver } from '../backends/compute/types.js';
import { createNovaApp, versions as novaVersions } from '../compat/openstack/nova/app.js';
import { NOVA_PREFIX } from '../compat/openstack/nova/operations.js';
import { createMetadataApp, METADATA_PREFIX } from '../compat/openstack/nova/metadata-app.js';
import { ComputeService, networkingOver } from '../core/compute/index.js';
import { registerScheduler } from '../workers/scheduler/register-scheduler.js';
import { registerComputeAgent } from '../workers/compute-agent/register-compute-agent.js';
import { hostname } from 'node:os';

/** Pieces a test may swap for fakes; anything left out is built from config. */
export interface SystemOverrides {
  db?: OpenDb;
  logger?: Logger;
  /** Keep the database in memory (tests). */
  inMemory?: boolean;
  /** Token keys (tests); default: the key repository in `$DATA_DIR/token-keys` (rotated by `npm run token-keys:rotate`). */
  keyRing?: TokenKeyRing;
  /** SSE-S3 wrapping keys (tests); default: the key repository in `$DATA_DIR/sse-keys` (rotated by `npm run sse-keys:rotate`). */
  sseKeyRing?: SseKeyRing;
  /** Identity's wall clock (tests move it to expire tokens); default `Date.now`. */
  clock?: Clock;
  /** Blob store (tests); default: the configured backend (`SKYBRIDGE_BLOB_BACKEND`): files under `$DATA_DIR/blobs` (memory with `inMemory`), or an S3 bucket. */
  blobStore?: BlobStore;
  /** Job queue (tests); default: the embedded outbox queue, or BullMQ when `config.redisUrl` is set. */
  queue?: JobQueue;
  /** The network agents' driver (tests keep a handle on the fake); default: the fake, which records what it would build. */
  networkDriver?: NetworkAgentDriver;
  /** The object store's clock (tests move it to make lifecycle rules and delete-at times due); default `Date.now`. */
  objectClock?: Clock;
  /** Hypervisor driver (tests); default: the fake driver with `config.compute`'s simulated hosts. */
  computeDriver?: ComputeDriver;
}

/** A whole skybridge: the HTTP app, the services behind it, and its lifecycle. */
export interface System {
  config: Config;
  app: Hono<GatewayEnv>;
  db: OpenDb;
  logger: Logger;
  /** Keystone: every identity service, tokens, catalog (families register their services in it). */
  identity: Identity;
  /** The bootstrapped accounts and the files written for them (clouds.yaml, aws.env). */
  firstStart: FirstStartInfo;
  /** Object bytes; the object service stores every version and part here (small ones inline in the database, the rest in the backend). */
  blobs: InlineBlobStore;
  /** Background jobs. Core services write jobs with `enqueueInTx` (core/jobs/outbox.ts) inside their transaction. */
  queue: JobQueue;
  /** Housekeeping timers (add with `every`), run between start() and close(). */
  periodic: PeriodicScheduler;
  /** The object store (Swift and S3 both call it). */
  objects: ObjectService;
  /** Images (Glance calls it); their bytes live in the object store's internal image account. */
  images: ImageService;
  /** Networks, subnets, ports, security groups, routers, floating IPs (Neutron and Nova call it). */
  network: NetworkService;
  /** What the simulated network agents drive (the fake records bridges, namespaces, NAT rules). */
  networkDriver: NetworkAgentDriver;
  /** Prometheus metrics (`GET /metrics`). */
  metrics: GatewayMetrics;
  /** Compute (Nova calls it); the scheduler and compute agent run as this process's job processors. */
  compute: ComputeService;
  /** The hypervisor driver the compute agent drives. */
  computeDriver: ComputeDriver;
  /** Starts background work (queue delivery, periodic jobs). */
  start(): Promise<void>;
  /** Stops background work (timers, queue workers), makes every acknowledged write durable and closes the database. */
  close(): Promise<void>;
}

/** The API family of a request path, for access-log lines and metrics labels. */
function familyOf(path: string, method: string): string {
  if (path === '/identity' || path.startsWith('/identity/')) return 'keystone';
  if (path === GLANCE_PREFIX || path.startsWith(`${GLANCE_PREFIX}/`)) return 'glance';
  if (path.startsWith(`${SWIFT_PREFIX}/`) || path === '/info') return 'swift';
  if (path === NEUTRON_PREFIX || path.startsWith(`${NEUTRON_PREFIX}/`)) return 'neutron';
  if (path === NOVA_PREFIX || path.startsWith(`${NOVA_PREFIX}/`)) return 'nova';
  if (path === METADATA_PREFIX || path.startsWith(`${METADATA_PREFIX}/`)) return 'nova-metadata';
  if (path === '/healthz' || path === '/metrics') return 'gateway';
  if (path === '/' && method === 'POST') return 'ec2';
  return 's3';
}

/** The token key ring: rows of the database on PostgreSQL (every gateway shares them), key files in the data dir on SQLite. */
function openTokenKeyRing(config: Config, db: OpenDb, logger: Logger): TokenKeyRing {
  if (db.dialect === 'postgres') {
    const dir = tokenKeyDir(config);
    return new DbKeyRing(db.db, {
      keysToDrop,
      // A deployment that kept its keys in the data dir keeps its live tokens valid when it moves them to the database.
      seed: () => (existsSync(dir) ? new FileKeyRing(dir).keys() : []),
      onReloadError: (e) => logger.warn({ err: e.message }, 'token keys: cannot re-read the key table; keeping the keys loaded before'),
    });
  }
  return new FileKeyRing(tokenKeyDir(config), {
    onReloadError: (e) => logger.warn({ err: e.message }, 'token keys: cannot re-read the key directory; keeping the keys loaded before'),
  });
}

const leaseMs = (config: Config): number | undefined => (config.jobLeaseSeconds === undefined ? undefined : config.jobLeaseSeconds * 1000);

/** A refresh that fails (database gone a moment) is logged; the next second tries again. */
function refreshRevocations(identity: Identity, logger: Logger): void {
  try {
    identity.revocations.refresh();
  } catch (e) {
    logger.warn({ err: (e as Error).message }, 'revocation refresh failed; retrying');
  }
}

function pruneRevocations(identity: Identity, logger: Logger): void {
  try {
    identity.revocations.prune();
  } catch (e) {
    logger.warn({ err: (e as Error).message }, 'revocation prune failed');
  }
}

/** What a worker-only process serves: `GET /healthz` and a 404 for anything else. */
function healthOnlyApp(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok', role: 'worker' }));
  app.notFound((c) => c.json({ error: { code: 404, title: 'Not Found', message: 'This is a worker process (SKYBRIDGE_ROLE=worker): it serves only GET /healthz.' } }, 404));
  return app;
}

/** Opens the configured PostgreSQL, or stops the start with a message naming the variable (never a stack trace). */
function openConfiguredPostgres(url: string): OpenDb {
  try {
    return openDatabase(url);
  } catch (e) {
    const where = url.replace(/\/\/[^@/]*@/, '//');
    throw new ConfigError('SKYBRIDGE_DATABASE_URL', `cannot use the PostgreSQL database at ${where}: ${(e as Error).message}`);
  }
}

/** Builds the whole system from `config`. Migrations run here, so a built system is ready to serve. */
export async function buildSystem(config: Config, overrides: SystemOverrides = {}): Promise<System> {
  const logger: Logger =
    overrides.logger ?? (config.logLevel === 'silent' ? silentLogger : (pino({ level: config.logLevel }) as unknown as Logger));
  let db = overrides.db;
  if (!db) {
    if (overrides.inMemory) db = openTestDatabase();
    else if (config.databaseUrl) db = openConfiguredPostgres(config.databaseUrl);
    else {
      mkdirSync(config.dataDir, { recursive: true });
      db = openDatabase(join(config.dataDir, 'skybridge.db'));
    }
  }
  const closers: Array<() => Promise<void> | void> = [];
  const starters: Array<() => Promise<void> | void> = [];

  mkdirSync(config.dataDir, { recursive: true });
  const keyRing = overrides.keyRing ?? openTokenKeyRing(config, db, logger);
  const identity = createIdentity({
    db: db.db,
    hasher: new ScryptHasher(config.passwordHashCost),
    keyRing,
    clock: overrides.clock ?? { now: () => Date.now() },
    logger,
    tokenTtlSeconds: config.tokenTtlSeconds,
    tokenCacheBytes: config.tokenCacheBytes,
    publicUrl: config.publicUrl,
    region: config.region,
    security: config.security,
  });
  identity.start();
  const firstStartInfo = await firstStart(config, identity);
  const revocationTimers: Array<ReturnType<typeof setInterval>> = [];
  const serves = config.role !== 'worker';
  const works = config.role !== 'gateway';
  // Other processes' revocations (and grants) are picked up every second (this process's own take effect at once); expired events go every 10 min.
  starters.push(() => {
    if (!serves) return;
    revocationTimers.push(setInterval(() => refreshRevocations(identity, logger), 1000), setInterval(() => pruneRevocations(identity, logger), 600_000));
    for (const t of revocationTimers) t.unref();
  });
  closers.push(() => revocationTimers.forEach((t) => clearInterval(t)));

  // Object bytes, the job outbox and its queue, the object-store processors, periodic housekeeping.
  // An S3 backend is chosen by config even with `inMemory` (which only means no files under the data dir).
  const s3Config = config.blob.backend === 's3' && !overrides.blobStore ? config.blob.s3 : undefined;
  const s3Blobs = s3Config ? new S3BlobStore(s3Config) : undefined;
  const fsBlobs = overrides.blobStore || s3Blobs || overrides.inMemory ? undefined : new FsBlobStore({ root: join(config.dataDir, 'blobs') });
  const backendBlobs: BlobStore = overrides.blobStore ?? s3Blobs ?? fsBlobs ?? new MemoryBlobStore();
  // Small objects live in the database beside their metadata; the workers collect and audit them through the same store.
  const blobs = new InlineBlobStore(backendBlobs, db.db);
  // The queue's own claims and completions do not wait for an fsync each (see OutboxStoreOptions); on PostgreSQL nothing changes.
  const outbox = createOutboxStore(db.db, Date.now, { bookkeeping: walBookkeeping(db.dialect === 'sqlite' ? db.sqlite : undefined) });
  const metrics = createMetrics(() => outbox.counts());
  const counted = metrics.countOutcomes(outbox);
  // A gateway-only process relays the jobs its requests wrote into Redis and runs none of them.
  const queue: JobQueue =
    overrides.queue ??
    (config.redisUrl
      ? new BullMqQueue({ store: counted, redisUrl: config.redisUrl, prefix: config.redisPrefix, logger, consume: works, leaseMs: leaseMs(config), concurrency: config.jobConcurrency })
      : new EmbeddedQueue({ store: counted, logger, leaseMs: leaseMs(config), concurrency: config.jobConcurrency }));
  // Each periodic task runs once per period across every process sharing the database (a lease row per task).
  const leases = createPeriodicLeases(db.db);
  const periodic = createPeriodicScheduler(logger, { claim: (name, ms) => leases.claim(name, ms) });
  const graceMs = config.blobAudit.graceSeconds * 1000;
  if (fsBlobs) {
    periodic.every('blob temp sweep', Math.min(10 * 60_000, config.blobAudit.intervalSeconds * 1000), async () => void (await fsBlobs.sweepTemp(graceMs)), { runAtStart: true });
  }
  if (s3Blobs && s3Config) {
    // A wrong bucket or refused credentials stop the start, naming the variable; an unreachable cluster only warns (requests answer 503 until it is back).
    starters.unshift(async () => {
      try {
        await s3Blobs.checkBucket();
      } catch (e) {
        const status = isCoreError(e) ? e.detail.status : undefined;
        if (status === 404) throw new ConfigError('SKYBRIDGE_BLOB_S3_BUCKET', `no bucket ${s3Config.bucket} at ${s3Config.endpoint}`);
        if (status === 403 || status === 401) {
          throw new ConfigError('SKYBRIDGE_BLOB_S3_ACCESS_KEY_ID', `the cluster at ${s3Config.endpoint} refuses these credentials for bucket ${s3Config.bucket}`);
        }
        logger.warn({ endpoint: s3Config.endpoint, bucket: s3Config.bucket, err: isCoreError(e) ? e.detail : String(e) }, 'S3 blob store: cannot reach the cluster; object requests answer 503 until it is back');
      }
    });
    periodic.every('blob upload sweep', Math.min(10 * 60_000, config.blobAudit.intervalSeconds * 1000), async () => void (await s3Blobs.sweepUploads(graceMs)), { runAtStart: true });
    closers.push(() => s3Blobs.close());
  }
  periodic.every('job outbox prune', 60 * 60_000, async () => void (await outbox.prune(Date.now() - 24 * 3600_000)));
  scheduleTokenKeyRotation(periodic, keyRing, config, logger);
  starters.push(
    () => queue.start(),
    () => {
      if (works) periodic.start();
    },
  );
  // Closers run in reverse: the timers stop first, then the queue finishes its running jobs.
  closers.push(() => queue.close(), () => periodic.stop());

  const app = new Hono<GatewayEnv>();
  // Middleware order, outermost first: request id, access log, then each family's own body limit and error mapping.
  app.use('*', requestId());
  app.use('*', accessLog(logger, familyOf, metrics));
  // Only the AWS face authenticates before reading a body; every other request gets `100 Continue` at once.
  const publicHost = new URL(config.publicUrl).hostname;
  app.use('*', async (c, next) => {
    if (!isAwsRequest(rawTarget(c.env, c.req.url), requestHeaders(c).get('host') ?? undefined, publicHost)) c.env?.writeContinue?.();
    await next();
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // A virtual-hosted bucket's `/` and `/metrics` are its listing and an object: only the service host serves these pages.
  const onServiceHost = (host: string | undefined) => bucketFromHost(host, publicHost) === undefined;
  // Unsigned only: a signed `GET /metrics` is S3 ListObjects on a bucket named `metrics`.
  app.get('/metrics', async (c, next) => {
    if (!onServiceHost(requestHeaders(c).get('host') ?? undefined)) return next();
    if (c.req.header('authorization') || /[?&]X-Amz-(Credential|Signature)=/i.test(rawTarget(c.env, c.req.url))) return next();
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  app.get('/', async (c, next) => {
    if (!onServiceHost(requestHeaders(c).get('host') ?? undefined) || !wantsLandingPage(c.req.method, rawTarget(c.env, c.req.url), requestHeaders(c))) return next();
    c.set('operation', 'landingPage');
    return c.html(landingPage(config, version()));
  });

  const identityUrl = `${config.publicUrl}/identity`;
  identity.catalog.register({ type: 'identity', name: 'keystone', path: '/identity', description: 'Keystone Identity Service' });
  app.route('/identity', createKeystoneApp({ identity, logger, identityUrl, jsonBodyLimit: config.jsonBodyLimit }));

  const sseFileRing = overrides.sseKeyRing ? undefined : openSseKeyRing(config, (e) => logger.warn({ err: e.message }, 'SSE keys: cannot re-read the key directory; keeping the keys loaded before'));
  const sseKeys = overrides.sseKeyRing ?? sseFileRing!;
  if (sseFileRing) scheduleSseKeyRotation(periodic, sseFileRing, config, logger);
  const objects = new ObjectService({ db: db.db, blobs, logger, region: config.region, sseKeys, clock: overrides.objectClock, onCommit: metrics.observeCommit, inlineMaxBytes: config.inlineObjectBytes });
  registerObjectStoreWorkers(queue, { blobs, objects, logger });
  scheduleBlobAudit(periodic, queue, { intervalMs: config.blobAudit.intervalSeconds * 1000, graceMs });
  // Lifecycle rules: due objects get their delete-at and an `object.expire` job (each object version once).
  periodic.every('lifecycle sweep', config.lifecycleSweepMs, async () => void (await objects.sweepLifecycle()), { runAtStart: true });
  // Images: the bytes are objects in an internal account; imports run as `image.import` jobs.
  const fetcher = new SafeHttpFetcher({ allowRanges: config.imageImport.allowRanges, ports: config.imageImport.ports });
  const images = new ImageService({ db: db.db, objects, logger, quotas: config.imageQuotas, fetcher });
  await images.init();
  // Registered once the blob store answers: a start whose S3 bucket is missing must reach its start-time check (in `start()`), not fail here.
  starters.push(async () => {
    try {
      await images.ensureDefaultImage(firstStartInfo.bootstrap.admin.projectId);
    } catch (e) {
      if (!isCoreError(e, 'Unavailable')) throw e;
      logger.warn({ err: e.detail }, 'default image not registered: the blob store is unavailable (retried at the next start)');
    }
  });
  registerImageWorkers(queue, { images });
  identity.catalog.register({ type: 'image', name: 'glance', path: GLANCE_PREFIX, description: 'Glance Image Service' });
  // The SDK's discovery may ask for the catalog URL with a trailing slash, which the mounted root route does not match.
  app.get(`${GLANCE_PREFIX}/`, (c) => c.json(glanceVersions(`${config.publicUrl}${GLANCE_PREFIX}`), 300));
  app.route(GLANCE_PREFIX, createGlanceApp({ images, tokens: identity.tokens, logger, imageUrl: `${config.publicUrl}${GLANCE_PREFIX}`, identityUrl, jsonBodyLimit: config.jsonBodyLimit }));
  const cc = config.compute;
  const computeDriver: ComputeDriver =
    overrides.computeDriver ??
    new FakeComputeDriver({
      hosts: cc.fakeHosts,
      capacity: { vcpus: cc.fakeHostVcpus, memoryMb: cc.fakeHostRamMb, localGb: cc.fakeHostDiskGb },
      timings: { spawnMs: cc.fakeSpawnMs, powerMs: cc.fakePowerMs, destroyMs: Math.min(cc.fakePowerMs, 10), snapshotMs: cc.fakePowerMs, liveMigrationMs: cc.fakeLiveMigrationMs },
      failSpawnName: cc.fakeFailSpawn,
    });
  // A boot's port creates (network) and stage writes (compute) join one group commit: one WAL sync per turn for both.
  const bootCommits = new GroupCommit(db.db);
  // Networking: the model and rules; agent work goes out as `network.*` jobs.
  const network = new NetworkService({
    db: db.db,
    logger,
    commits: bootCommits,
    settings: {
      // Ports bind to compute hosts: every simulated compute host gets the network agents too.
      hosts: [...new Set([...config.network.hosts, ...computeDriver.hosts().map((h) => h.host)])],
      networkHost: config.network.networkHost,
      macBase: config.network.macBase,
      defaultQuotas: { ...DEFAULT_SETTINGS.defaultQuotas, ...config.network.quotas },
    },
  });
  // devstack's first-start topology (public, private, router1, default security groups), once.
  network.bootstrap(firstStartInfo.bootstrap.admin.projectId, firstStartInfo.bootstrap.demo.projectId);
  const networkDriver = overrides.networkDriver ?? new FakeNetworkAgentDriver();
  registerNetworkWorkers(queue, { network, driver: networkDriver, periodic, logger });
  identity.catalog.register({ type: 'network', name: 'neutron', path: NEUTRON_PREFIX, description: 'Neutron Networking Service' });
  app.get(`${NEUTRON_PREFIX}/`, (c) => c.json(neutronVersions(`${config.publicUrl}${NEUTRON_PREFIX}`)));
  app.route(NEUTRON_PREFIX, createNeutronApp({ network, tokens: identity.tokens, logger, networkUrl: `${config.publicUrl}${NEUTRON_PREFIX}`, identityUrl, jsonBodyLimit: config.jsonBodyLimit }));
  // Compute: API → queue → scheduler → compute agent → driver; every state change goes through the conductor (core).
  const compute = new ComputeService({
    db: db.db,
    images,
    logger,
    console: computeDriver,
    networking: networkingOver(network),
    notify: () => queue.notify(),
    commits: bootCommits,
    settings: { defaultQuotas: { instances: cc.quotaInstances, cores: cc.quotaCores, ram: cc.quotaRamMb } },
  });
  compute.init();
  // Neutron's nova notifier, in-process: changes to a server's ports refresh what Nova shows.
  network.notifyComputeWith((events) => compute.applyExternalEvents(events.map((e) => ({ name: e.name, serverId: e.serverId, tag: e.tag }))));
  registerScheduler(queue, { compute, logger, host: hostname(), periodic });
  const agent = registerComputeAgent(queue, { compute, driver: computeDriver, images, networking: compute.cc.networking, logger, periodic });
  // Hosts are known before the first request (the periodic heartbeat keeps them up afterwards).
  agent.registerHosts();
  compute.heartbeat('nova-conductor', hostname());
  periodic.every('nova-conductor heartbeat', 10_000, () => compute.heartbeat('nova-conductor', hostname()));
  identity.catalog.register({ type: 'compute', name: 'nova', path: `${NOVA_PREFIX}/v2.1`, description: 'Nova Compute Service' });
  app.get(`${NOVA_PREFIX}/`, (c) => c.json(novaVersions(`${config.publicUrl}${NOVA_PREFIX}`)));
  app.route(NOVA_PREFIX, createNovaApp({ compute, tokens: identity.tokens, logger, computeUrl: `${config.publicUrl}${NOVA_PREFIX}`, identityUrl, jsonBodyLimit: config.jsonBodyLimit }));
  // The guests' metadata service, behind the network's signing metadata proxy (see docs/metadata.md).
  app.route(METADATA_PREFIX, createMetadataApp({ compute, logger, sharedSecret: config.compute.metadataSecret ?? metadataSecretIn(config.dataDir), trustForwardedFor: config.compute.metadataTrustForwardedFor }));
  identity.catalog.register({ type: 'object-store', name: 'swift', path: `${SWIFT_PREFIX}/v1/AUTH_%(project_id)s`, description: 'Swift Object Storage' });
  // Swift claims `/object/…` by raw path (dot segments cannot route it elsewhere) and the unsigned root `GET /info`.
  app.route('/', createSwiftApp({ objects, tokens: identity.tokens, logger }));
  // S3 answers everything the OpenStack prefixes did not claim (and EC2's `POST /`), so it is mounted last.
  app.route('/', createS3App({ objects, authenticateEc2: (key) => identity.authenticateEc2(key), region: config.region, publicUrl: config.publicUrl, logger }));

  app.onError((err, c) => {
    if (isClientAbort(err)) {
      logger.info({ req_id: c.get('requestId'), reason: err.message }, 'client aborted the request');
      return c.body(null, CLIENT_ABORT_STATUS as 200);
    }
    logger.error({ req_id: c.get('requestId'), err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return c.json({ error: { code: 500, title: 'Internal Server Error', message: 'An unexpected error prevented the server from fulfilling your request.' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } }, 404));

  const openDb = db;
  return {
    config,
    app: serves ? app : healthOnlyApp(),
    db: openDb,
    logger,
    identity,
    firstStart: firstStartInfo,
    blobs,
    queue,
    periodic,
    objects,
    images,
    network,
    networkDriver,
    metrics,
    compute,
    computeDriver,
    async start() {
      for (const s of starters) await s();
    },
    async close() {
      for (const cl of closers.reverse()) await cl();
      // After the workers stopped: the last group-commit batches become durable before the database closes.
      await objects.drain();
      await network.drain();
      await compute.drain();
      openDb.close();
    },
  };
}

/** The metadata proxy secret kept in the data dir: made once (0600), then shared by every process on that dir. */
function metadataSecretIn(dataDir: string): string {
  const file = join(dataDir, 'metadata_proxy_shared_secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another process made it first: read theirs.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
