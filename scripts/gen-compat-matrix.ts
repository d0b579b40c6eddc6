// `npm run matrix` writes docs/compat-matrix.md from the operation tables; `--check` fails when it is stale.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSystem } from '../gateway/app.js';
import { loadConfig } from '../gateway/config.js';
import { crossCheck, firstDifference, renderMatrix } from './compat-matrix.js';
import { compatTables } from './compat-tables.js';

const root = resolve(import.meta.dirname, '..');
const docPath = join(root, 'docs/compat-matrix.md');
const ADMIN_PASSWORD = 'matrix-check-secret';

/** An admin token from the in-process app, so policy checks do not hide a route's answer; none if login fails. */
async function adminHeaders(app: { request(p: string, i?: RequestInit): Response | Promise<Response> }): Promise<Record<string, string>> {
  const res = await app.request('/identity/v3/auth/tokens?nocatalog', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: ADMIN_PASSWORD } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    }),
  });
  await res.body?.cancel();
  const token = res.headers.get('x-subject-token');
  if (!token) process.stderr.write(`matrix: could not log in as admin in-process (HTTP ${res.status}); probing without a token\n`);
  return token ? { 'x-auth-token': token } : {};
}

/** Builds the whole app in-process and returns every table's cross-check problems. */
async function checkTables(): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skybridge-matrix-'));
  const config = loadConfig({
    SKYBRIDGE_DATA_DIR: dataDir,
    SKYBRIDGE_LOG_LEVEL: 'silent',
    SKYBRIDGE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SKYBRIDGE_PASSWORD_HASH_COST: '1024',
  });
  const system = await buildSystem(config, { inMemory: true });
  try {
    await system.start();
    const headers = await adminHeaders(system.app);
    const problems: string[] = [];
    for (const table of compatTables) if (table.mountPrefix !== undefined) problems.push(...(await crossCheck(system.app, table, headers)));
    return problems;
  } finally {
    await system.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const doc = renderMatrix(compatTables);
  const problems = await checkTables();
  let failed = false;
  if (problems.length) {
    failed = true;
    process.stderr.write(`matrix: the operation tables disagree with the app (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  }
  if (check) {
    const current = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
    const line = firstDifference(current, doc);
    if (line) {
      failed = true;
      process.stderr.write(`matrix: docs/compat-matrix.md is stale (first difference at line ${line}); run \`npm run matrix\` and commit it\n`);
    }
  } else {
    writeFileSync(docPath, doc);
    const total = compatTables.reduce((n, t) => n + t.rows.length, 0);
    process.stdout.write(`matrix: wrote docs/compat-matrix.md (${compatTables.length} tables, ${total} operations)\n`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`matrix: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
