// Runs the ComputeDriver contract against the fake driver, plus its own knobs: hosts, capacity, failure injection.
import { describe, expect, it } from 'vitest';
import { computeDriverContract } from './contract.case.js';
import { FakeComputeDriver } from './fake-driver.js';

computeDriverContract('fake', () => new FakeComputeDriver({ hosts: 2, timings: { spawnMs: 1, powerMs: 1, destroyMs: 1, snapshotMs: 1 } }));

describe('FakeComputeDriver', () => {
  it('simulates N named hosts with the configured capacity', () => {
    const d = new FakeComputeDriver({ hosts: 3, hostPrefix: 'h', capacity: { vcpus: 4, memoryMb: 8192, localGb: 100 } });
    expect(d.hosts().map((h) => [h.host, h.vcpus, h.memoryMb, h.localGb])).toEqual([
      ['h-1', 4, 8192, 100],
      ['h-2', 4, 8192, 100],
      ['h-3', 4, 8192, 100],
    ]);
  });

  it('injected failures fail the next matching call only', async () => {
    const d = new FakeComputeDriver({ hosts: 2, timings: { spawnMs: 0 } });
    d.inject({ op: 'spawn', host: 'compute-1', message: 'boom' });
    const g = { instanceId: 'x', name: 'x', hostname: 'x', vcpus: 1, ramMb: 1, diskGb: 1, imageId: null };
    await expect(d.spawn('compute-1', g)).rejects.toThrow('boom');
    await d.spawn('compute-2', g);
    await d.spawn('compute-1', g);
    expect(await d.list('compute-1')).toEqual(['x']);
  });

  it('refuses to spawn guests whose name matches failSpawnName', async () => {
    const d = new FakeComputeDriver({ timings: { spawnMs: 0 }, failSpawnName: /^doomed/ });
    await expect(d.spawn('compute-1', { instanceId: 'y', name: 'doomed-1', hostname: 'd', vcpus: 1, ramMb: 1, diskGb: 1, imageId: null })).rejects.toThrow(/refused/);
  });
});
