// Two gateway processes on one PostgreSQL database: 100 concurrent port creates never hand out an address (or MAC) twice, and a full subnet refuses exactly the extra ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl } from '../../core/db/testing.js';
import { startServer, type RunningServer } from '../harness/server.js';

let a: RunningServer;
let b: RunningServer;
let dataDir: string;
let token: string;

type Body = Record<string, any>;

async function call(s: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const r = await fetch(`${s.url}/network${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Body) : {} };
}

async function networkWithSubnet(cidr: string): Promise<{ networkId: string; subnetId: string }> {
  const n = await call(a, 'POST', '/v2.0/networks', { network: { name: `race-${cidr}` } });
  expect(n.status).toBe(201);
  const s = await call(b, 'POST', '/v2.0/subnets', { subnet: { network_id: n.body.network.id, ip_version: 4, cidr } });
  expect(s.status).toBe(201);
  return { networkId: n.body.network.id, subnetId: s.body.subnet.id };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skybridge-pg-net-race-'));
  const env = { SKYBRIDGE_DATABASE_URL: freshPostgresUrl(), SKYBRIDGE_ADMIN_PASSWORD: 'admin-secret', SKYBRIDGE_PASSWORD_HASH_COST: '1024' };
  // Started one after the other: the second finds the first-start topology and leaves it alone.
  a = await startServer({ env, dataDir });
  b = await startServer({ env, dataDir });
  const r = await fetch(`${a.url}/identity/v3/auth/tokens?nocatalog`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: 'admin-secret' } } }, scope: { project: { name: 'admin', domain: { id: 'default' } } } } }),
  });
  token = r.headers.get('x-subject-token')!;
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('IPAM under concurrency, two gateways on one PostgreSQL database', () => {
  it('100 concurrent port creates: all succeed, every address and MAC distinct, the lowest of the pool; an address freed through one gateway is the next the other hands out', async () => {
    const { networkId, subnetId } = await networkWithSubnet('10.150.0.0/24');
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => call(i % 2 ? a : b, 'POST', '/v2.0/ports', { port: { network_id: networkId } })));
    expect(results.map((r) => r.status)).toEqual(Array(100).fill(201));
    const ips = results.map((r) => r.body.port.fixed_ips[0].ip_address as string);
    expect(new Set(ips).size).toBe(100);
    expect(new Set(results.map((r) => r.body.port.mac_address)).size).toBe(100);
    // .2 is the network's DHCP port's; the creates take the next hundred, whichever gateway served them.
    expect([...ips].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `10.150.0.${i + 3}`).sort());
    const listed = await call(a, 'GET', `/v2.0/ports?network_id=${networkId}`);
    const servers = listed.body.ports.filter((p: Body) => p.device_owner !== 'network:dhcp');
    expect(servers.flatMap((p: Body) => p.fixed_ips.filter((f: Body) => f.subnet_id === subnetId).map((f: Body) => f.ip_address)).sort()).toEqual([...ips].sort());
    // Each gateway keeps its own search hints: a free through one must reach the other.
    const victim = results.find((r) => r.body.port.fixed_ips[0].ip_address === '10.150.0.40')!.body.port;
    expect((await call(a, 'DELETE', `/v2.0/ports/${victim.id}`)).status).toBe(204);
    const again = await call(b, 'POST', '/v2.0/ports', { port: { network_id: networkId } });
    expect(again.body.port.fixed_ips[0].ip_address).toBe('10.150.0.40');
  });

  it('a /27 (29 pool addresses, one taken by the DHCP port) under 40 concurrent creates: exactly 28 ports, the rest 409 IpAddressGenerationFailure', async () => {
    const { networkId } = await networkWithSubnet('10.151.0.0/27');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => call(i % 2 ? a : b, 'POST', '/v2.0/ports', { port: { network_id: networkId } })));
    const made = results.filter((r) => r.status === 201);
    expect(made).toHaveLength(28);
    for (const r of results.filter((x) => x.status !== 201)) expect(r).toMatchObject({ status: 409, body: { NeutronError: { type: 'IpAddressGenerationFailure' } } });
    expect(new Set(made.map((r) => r.body.port.fixed_ips[0].ip_address)).size).toBe(28);
  });
});
