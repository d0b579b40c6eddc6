// The ComputeDriver contract every implementation runs: idempotent spawn/destroy, power states, snapshot, console, listing.
import { describe, expect, it } from 'vitest';
import type { ComputeDriver, GuestSpec } from './types.js';

const guest = (id: string): GuestSpec => ({
  instanceId: id,
  name: `vm-${id}`,
  hostname: `vm-${id}`,
  vcpus: 1,
  ramMb: 512,
  diskGb: 1,
  imageId: 'image-1',
  keyName: 'k1',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMockKey k1',
  keyFingerprint: 'aa:bb:cc',
  addresses: ['10.0.0.5'],
});

/** Runs the contract against drivers made by `make` (a fresh one per test). */
export function computeDriverContract(name: string, make: () => ComputeDriver): void {
  describe(`ComputeDriver contract: ${name}`, () => {
    it('reports at least one host with capacity', () => {
      const d = make();
      const hosts = d.hosts();
      expect(hosts.length).toBeGreaterThan(0);
      for (const h of hosts) {
        expect(h.host).toBeTruthy();
        expect(h.vcpus).toBeGreaterThan(0);
        expect(h.memoryMb).toBeGreaterThan(0);
        expect(h.localGb).toBeGreaterThan(0);
      }
    });

    it('spawns idempotently, runs, lists, and destroys idempotently', async () => {
      const d = make();
      const host = d.hosts()[0]!.host;
      await d.spawn(host, guest('a'));
      await d.spawn(host, guest('a'));
      expect(await d.list(host)).toEqual(['a']);
      expect((await d.state(host, 'a'))?.powerState).toBe(1);
      await d.destroy(host, 'a');
      await d.destroy(host, 'a');
      expect(await d.state(host, 'a')).toBeNull();
      expect(await d.list(host)).toEqual([]);
    });

    it('power operations move the power state', async () => {
      const d = make();
      const host = d.hosts()[0]!.host;
      await d.spawn(host, guest('p'));
      const seen: Array<[string, number]> = [];
      for (const op of ['stop', 'start', 'pause', 'unpause', 'suspend', 'resume', 'reboot_hard'] as const) {
        await d.power(host, 'p', op);
        seen.push([op, (await d.state(host, 'p'))!.powerState]);
      }
      expect(seen).toEqual([['stop', 4], ['start', 1], ['pause', 3], ['unpause', 1], ['suspend', 7], ['resume', 1], ['reboot_hard', 1]]);
    });

    it('console output names the hostname and the key fingerprint; lines limits it', async () => {
      const d = make();
      const host = d.hosts()[0]!.host;
      await d.spawn(host, guest('c'));
      const log = await d.consoleOutput(host, 'c');
      expect(log).toContain('vm-c');
      expect(log).toContain('aa:bb:cc');
      expect((await d.consoleOutput(host, 'c', 2)).trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    });

    it('snapshots a disk and resizes a guest', async () => {
      const d = make();
      const host = d.hosts()[0]!.host;
      await d.spawn(host, guest('s'));
      expect((await d.snapshot(host, 's')).byteLength).toBeGreaterThan(0);
      await d.resize(host, 's', { vcpus: 2, ramMb: 1024, diskGb: 2 });
      expect(await d.state(host, 's')).toMatchObject({ vcpus: 2, ramMb: 1024 });
    });

    it('live-migrates a guest with its power state; an abort leaves it on the source only', async () => {
      const d = make();
      const [a, b] = d.hosts().map((h) => h.host);
      if (!b) return;
      await d.spawn(a!, guest('lm'));
      await d.power(a!, 'lm', 'pause');
      expect(await d.liveMigrate(a!, b, 'lm', { poll: () => 'abort' })).toBe('cancelled');
      expect(await d.list(b)).not.toContain('lm');
      expect((await d.state(a!, 'lm'))?.powerState).toBe(3);
      expect(await d.liveMigrate(a!, b, 'lm', { poll: () => 'force-complete' })).toBe('completed');
      expect(await d.list(a!)).not.toContain('lm');
      expect((await d.state(b, 'lm'))?.powerState).toBe(3);
      expect(await d.liveMigrate(b, a!, 'lm', { poll: () => undefined })).toBe('completed');
      expect(await d.list(a!)).toEqual(['lm']);
    });

    it('operations on a missing guest fail', async () => {
      const d = make();
      const host = d.hosts()[0]!.host;
      await expect(d.power(host, 'missing', 'stop')).rejects.toThrow();
      await expect(d.snapshot(host, 'missing')).rejects.toThrow();
    });
  });
}
