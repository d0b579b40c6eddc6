// Keystone benchmark scenarios: token validate (hot path, no database read) and password token issue (bounded by scrypt).
import { ScryptHasher } from '../backends/crypto/scrypt-hasher.js';
import { runLoad, type LoadResult, type RatioRow } from './harness.js';
import type { BenchContext, BenchSuite } from './suite.js';

/** scrypt cost skybridge uses by default (config `passwordHashCost`, `SKYBRIDGE_PASSWORD_HASH_COST`). */
const DEFAULT_SCRYPT_N = 1 << 14;

function passwordAuthBody(password: string): string {
  return JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password } } },
      scope: { project: { name: 'admin', domain: { name: 'Default' } } },
    },
  });
}

/** How many password verifications per second this machine's libuv pool does at `concurrency`, at skybridge's cost. */
async function scryptCeiling(concurrency: number, ms: number): Promise<{ perSecond: number; hash: string }> {
  const hasher = new ScryptHasher(DEFAULT_SCRYPT_N);
  const hash = await hasher.hash('bench-password');
  let done = 0;
  const start = performance.now();
  const loop = async () => {
    while (performance.now() - start < ms) {
      await hasher.verify('bench-password', hash);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { perSecond: (done / (performance.now() - start)) * 1000, hash };
}

/** Token validate and token issue against the running skybridge. */
export const keystoneSuite: BenchSuite = {
  name: 'keystone',
  async run(ctx: BenchContext): Promise<RatioRow[]> {
    const { skybridge, concurrency, scale } = ctx;
    const password = skybridge.info.adminPassword!;
    const login = await fetch(`${skybridge.url}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: passwordAuthBody(password),
    });
    await login.body?.cancel();
    const token = login.headers.get('x-subject-token');
    if (login.status !== 201 || !token) throw new Error(`admin login failed: HTTP ${login.status}`);

    // The gateway's own cost (request id, access log, continue gate, routing) with a trivial body, to split the gap.
    const healthz: LoadResult = await runLoad({
      name: 'skybridge GET /healthz',
      target: skybridge.url,
      concurrency,
      maxRequests: Math.round(30_000 * scale),
      maxDurationMs: 15_000 * scale,
      warmupRequests: 2_000,
      templates: [{ method: 'GET', path: '/healthz', expectStatus: 200 }],
    }, { serverPid: skybridge.pid });

    const validate: LoadResult = await runLoad({
      name: 'keystone token validate',
      target: skybridge.url,
      concurrency,
      maxRequests: Math.round(30_000 * scale),
      maxDurationMs: 15_000 * scale,
      warmupRequests: 2_000,
      templates: [
        { method: 'GET', path: '/identity/v3/auth/tokens', headers: { 'x-auth-token': token, 'x-subject-token': token }, expectStatus: 200 },
      ],
    }, { serverPid: skybridge.pid });

    const issue: LoadResult = await runLoad({
      name: 'keystone token issue (password)',
      target: skybridge.url,
      concurrency,
      maxRequests: Math.round(1_500 * scale),
      maxDurationMs: 15_000 * scale,
      warmupRequests: concurrency,
      templates: [
        {
          method: 'POST',
          path: '/identity/v3/auth/tokens',
          headers: { 'content-type': 'application/json' },
          body: passwordAuthBody(password),
          expectStatus: 201,
        },
      ],
    }, { serverPid: skybridge.pid });

    const ceiling = await scryptCeiling(concurrency, 5_000 * scale);
    const [, n, r, p] = ceiling.hash.split('$');
    return [
      { result: healthz, note: 'gateway middleware and routing only (no family sub-app)' },
      { result: validate, goal: 0.7, note: 'GET /identity/v3/auth/tokens with X-Auth-Token = X-Subject-Token, catalog included' },
      {
        result: issue,
        note:
          `password hashing is scrypt N=${n}, r=${r}, p=${p}; this machine verifies ${ceiling.perSecond.toFixed(1)}/s at concurrency ${concurrency} ` +
          `(same process kind, default libuv pool), so issue runs at ${((issue.rps / ceiling.perSecond) * 100).toFixed(0)}% of the hashing ceiling`,
      },
    ];
  },
};
