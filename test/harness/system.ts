// Builds a whole in-process skybridge with an in-memory database and temp data dir, for app.request() tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSystem, type System, type SystemOverrides } from '../../gateway/app.js';
import { loadConfig } from '../../gateway/config.js';

/** A built system plus a `fetch` that keeps the raw path (as the Node entry does) and a disposer. */
export interface TestSystem extends System {
  /** Like `app.request`, but passes the raw path binding so dot segments reach the handlers verbatim. */
  request(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** Builds a system from an env map (merged over test defaults) and optional fakes. */
export async function buildTestSystem(env: Record<string, string> = {}, overrides: SystemOverrides = {}): Promise<TestSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-unit-'));
  const config = loadConfig({
    SKYBRIDGE_DATA_DIR: dataDir,
    SKYBRIDGE_LOG_LEVEL: 'silent',
    SKYBRIDGE_ADMIN_PASSWORD: 'admin-secret',
    SKYBRIDGE_PASSWORD_HASH_COST: '1024',
    ...env,
  });
  const system = await buildSystem(config, { inMemory: true, ...overrides });
  await system.start();
  const base = config.publicUrl;
  return {
    ...system,
    request: (path, init) => Promise.resolve(system.app.fetch(new Request(base + path, init), { rawPath: path })),
    async dispose() {
      await system.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
