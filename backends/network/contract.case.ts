// The NetworkAgentDriver contract every implementation runs: plug/unplug, router namespaces with SNAT and floating IP NAT, DHCP, all idempotent.
import { describe, expect, it } from 'vitest';
import type { HostState, NetworkAgentDriver, PortPlugSpec, RouterSpec } from './types.js';

/** A driver under test and a way to read back what a host has. */
export interface NetworkDriverFixture {
  driver: NetworkAgentDriver;
  host(name: string): Promise<HostState> | HostState;
}

const port = (id: string, network = 'net-1'): PortPlugSpec => ({
  portId: id,
  macAddress: 'fa:16:3e:00:00:01',
  networkId: network,
  networkType: 'vxlan',
  physicalNetwork: null,
  segmentationId: 7,
  mtu: 1450,
  fixedIps: ['10.0.0.5'],
  adminStateUp: true,
});

const router = (over: Partial<RouterSpec> = {}): RouterSpec => ({
  routerId: 'r1',
  adminStateUp: true,
  enableSnat: true,
  gateway: { portId: 'gw-port-0001', macAddress: 'fa:16:3e:00:00:aa', addresses: ['172.24.4.2/24'] },
  interfaces: [{ portId: 'if-port-00001', macAddress: 'fa:16:3e:00:00:bb', addresses: ['10.0.0.1/26'] }],
  routes: [],
  floatingIps: [],
  ...over,
});

/** Runs the contract against the driver `make()` builds (a fresh one per test). */
export function networkDriverContract(name: string, make: () => Promise<NetworkDriverFixture> | NetworkDriverFixture): void {
  describe(`NetworkAgentDriver contract: ${name}`, () => {
    it('plugs a port on br-int once, however often asked, and unplugs it', async () => {
      const f = await make();
      await f.driver.plugPort('h1', port('p1'));
      await f.driver.plugPort('h1', port('p1'));
      const s = await f.host('h1');
      expect(s.bridges).toContain('br-int');
      expect(Object.keys(s.ports)).toEqual(['p1']);
      expect(s.ports.p1!.bridge).toBe('br-int');
      expect(s.ports.p1!.device.length).toBeLessThanOrEqual(15);
      expect(Object.keys((await f.host('h2')).ports)).toEqual([]);
      await f.driver.unplugPort('h1', 'p1');
      await f.driver.unplugPort('h1', 'p1');
      expect((await f.host('h1')).ports).toEqual({});
    });

    it('ports of one network share a local VLAN tag; another network gets another', async () => {
      const f = await make();
      await f.driver.plugPort('h1', port('a', 'n1'));
      await f.driver.plugPort('h1', port('b', 'n1'));
      await f.driver.plugPort('h1', port('c', 'n2'));
      const s = await f.host('h1');
      expect(s.ports.a!.tag).toBe(s.ports.b!.tag);
      expect(s.ports.c!.tag).not.toBe(s.ports.a!.tag);
    });

    it('a router namespace converges: gateway and interfaces, SNAT, then floating IP NAT, then removal', async () => {
      const f = await make();
      await f.driver.syncRouter('net', router());
      let s = await f.host('net');
      expect(s.namespaces['qrouter-r1']!.interfaces.map((i) => i.addresses[0])).toEqual(['172.24.4.2/24', '10.0.0.1/26']);
      expect(s.nat['qrouter-r1']).toEqual([expect.objectContaining({ target: 'SNAT', to: '172.24.4.2' })]);
      await f.driver.syncRouter('net', router({ floatingIps: [{ floatingIpAddress: '172.24.4.9', fixedIpAddress: '10.0.0.5' }] }));
      s = await f.host('net');
      const dnat = s.nat['qrouter-r1']!.filter((r) => r.target === 'DNAT');
      expect(dnat.map((r) => r.to)).toEqual(['10.0.0.5', '10.0.0.5']);
      await f.driver.syncRouter('net', router({ enableSnat: false }));
      expect((await f.host('net')).nat['qrouter-r1']).toEqual([]);
      await f.driver.removeRouter('net', 'r1');
      await f.driver.removeRouter('net', 'r1');
      s = await f.host('net');
      expect(s.namespaces['qrouter-r1']).toBeUndefined();
      expect(s.nat['qrouter-r1']).toBeUndefined();
    });

    it('DHCP serves the given hosts and goes away', async () => {
      const f = await make();
      await f.driver.syncDhcp('h1', { networkId: 'n1', subnets: [{ id: 's1', cidr: '10.0.0.0/24', gatewayIp: '10.0.0.1', dnsNameservers: [] }], hosts: [{ macAddress: 'fa:16:3e:00:00:01', ipAddress: '10.0.0.5' }] });
      expect((await f.host('h1')).dhcpHosts['qdhcp-n1']).toEqual(['fa:16:3e:00:00:01,10.0.0.5']);
      await f.driver.syncDhcp('h1', { networkId: 'n1', subnets: [{ id: 's1', cidr: '10.0.0.0/24', gatewayIp: '10.0.0.1', dnsNameservers: [] }], hosts: [] });
      expect((await f.host('h1')).dhcpHosts['qdhcp-n1']).toEqual([]);
      await f.driver.removeDhcp('h1', 'n1');
      await f.driver.removeDhcp('h1', 'n1');
      expect((await f.host('h1')).namespaces['qdhcp-n1']).toBeUndefined();
    });
  });
}
