// SIGKILL during a boot storm of 200 servers, restart on the same data dir: every server ends ACTIVE or ERROR with a fault, and each hypervisor's usage is the sum of its live servers; on the embedded queue and on BullMQ.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../harness/server.js';
import { passwordToken } from './keystone-http.js';
import { readCloudsYaml } from './openstack.js';

type Json = Record<string, any>;
const STORM = 200;
const IMAGE = '5b1e3c2a-0d6f-4a7e-9c1b-000000000001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REDIS_URL = process.env.SKYBRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The queue adapters: the embedded outbox queue (the default), and BullMQ on Redis under a prefix of this run's own. */
const adapters: Array<{ queue: string; env: Record<string, string> }> = [
  { queue: 'embedded', env: {} },
  { queue: 'bullmq', env: { REDIS_URL, SKYBRIDGE_REDIS_PREFIX: `sbtest-crash-${randomBytes(4).toString('hex')}` } },
];

describe.each(adapters)('compute crash recovery on the $queue queue', { timeout: 180_000 }, ({ env: queueEnv }) => {
  let server: RunningServer;
  let password = '';
  let token = '';

  const nova = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const r = await fetch(`${server.url}/compute/v2.1${path}`, {
      method,
      headers: { 'x-auth-token': token, 'x-openstack-nova-api-version': '2.53', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Json) : {} };
  };
  const servers = async (): Promise<Json[]> => (await nova('GET', '/servers/detail?all_tenants=1&name=^storm-')).json.servers;

  beforeAll(async () => {
    // Slow spawns so the kill lands mid-storm; the job lease stays at its default, as a user runs it.
    server = await startServer({
      env: { ...queueEnv, SKYBRIDGE_FAKE_HOSTS: '3', SKYBRIDGE_FAKE_SPAWN_MS: '150', SKYBRIDGE_COMPUTE_QUOTA_INSTANCES: '1000', SKYBRIDGE_COMPUTE_QUOTA_CORES: '2000', SKYBRIDGE_COMPUTE_QUOTA_RAM: '1000000' },
    });
    password = (await readCloudsYaml(`${server.dataDir}/clouds.yaml`)).clouds.skybridge!.auth.password!;
    token = (await passwordToken(server.url, 'admin', password, 'admin')).id;
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
    if (queueEnv.SKYBRIDGE_REDIS_PREFIX) {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${queueEnv.SKYBRIDGE_REDIS_PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('SIGKILL mid-storm: after a restart every server is ACTIVE or ERROR with a fault, and hypervisor usage adds up', async () => {
    const r = await nova('POST', '/servers', { server: { name: 'storm', imageRef: IMAGE, flavorRef: '1', min_count: STORM, max_count: STORM, networks: 'none' } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    // Kill once some servers are ACTIVE and others are still building.
    for (let i = 0; i < 200; i++) {
      const list = await servers();
      if (list.some((s) => s.status === 'ACTIVE') && list.some((s) => s.status === 'BUILD')) break;
      await sleep(20);
    }
    const before = await servers();
    expect(before.some((s) => s.status === 'BUILD'), 'the kill must land mid-storm').toBe(true);
    await server.kill();

    await server.restart();
    token = (await passwordToken(server.url, 'admin', password, 'admin')).id;
    let after: Json[] = [];
    // The dead process's jobs come back within seconds (its beat goes stale, or no BullMQ worker holds them); the bound leaves room for a busy machine.
    for (let i = 0; i < 600; i++) {
      after = await servers();
      if (after.every((s) => s['OS-EXT-STS:task_state'] === null && s.status !== 'BUILD')) break;
      await sleep(100);
    }
    expect(after).toHaveLength(STORM);
    if (queueEnv.SKYBRIDGE_REDIS_PREFIX) {
      // The builds went through BullMQ, not the outbox alone.
      const redis = new Redis(REDIS_URL);
      expect(await redis.exists(`${queueEnv.SKYBRIDGE_REDIS_PREFIX}:compute.build:meta`)).toBe(1);
      redis.disconnect();
    }
    for (const s of after) {
      expect(s['OS-EXT-STS:task_state'], s.id).toBeNull();
      expect(['ACTIVE', 'ERROR'], `${s.id} ${s.status}`).toContain(s.status);
      if (s.status === 'ERROR') expect(s.fault?.message, s.id).toBeTruthy();
    }

    // The books: each hypervisor's used resources are the sum of the flavors of its live servers (m1.tiny: 1 vCPU, 512 MB, 1 GB).
    const hv = (await nova('GET', '/os-hypervisors/detail')).json.hypervisors as Json[];
    const all = (await nova('GET', '/servers/detail?all_tenants=1')).json.servers as Json[];
    for (const h of hv) {
      const mine = all.filter((s) => s['OS-EXT-SRV-ATTR:host'] === h.service.host);
      const sum = (k: 'vcpus' | 'ram' | 'disk') => mine.reduce((n, s) => n + (s.flavor[k] as number), 0);
      expect({ host: h.service.host, vcpus: h.vcpus_used, ram: h.memory_mb_used, disk: h.local_gb_used, vms: h.running_vms }).toEqual({ host: h.service.host, vcpus: sum('vcpus'), ram: sum('ram'), disk: sum('disk'), vms: mine.length });
    }

    // A server that was ACTIVE before the kill (its guest went with the fake hypervisor's memory) still stops.
    const active = after.find((s) => s.status === 'ACTIVE' && before.some((b) => b.id === s.id && b.status === 'ACTIVE'))!;
    expect((await nova('POST', `/servers/${active.id}/action`, { 'os-stop': null })).status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const s = (await nova('GET', `/servers/${active.id}`)).json.server;
      if (s['OS-EXT-STS:task_state'] === null && s.status !== 'ACTIVE') {
        expect(s.status).toBe('SHUTOFF');
        return;
      }
      await sleep(50);
    }
    throw new Error('the recovered server never stopped');
  });
});
