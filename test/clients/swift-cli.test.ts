// Drives the real `swift` CLI (Keystone v3) and `openstack container/object` against skybridge's Swift face over TCP.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openstackCli, requireOpenstackCli, type OpenstackCli } from './openstack.js';
import { CLI_TIMEOUT, cleanEnv, md5, requireCli, run, startObjectFixture, tempDir, uniq, type CliResult, type ObjectFixture, type ObjectUser } from './object-fixture.js';
import { httpSend } from './raw-s3.js';

const MiB = 1 << 20;
let fx: ObjectFixture;
let os: OpenstackCli;
const tmp = tempDir('skybridge-swift-');
const ADMIN = { cloud: 'skybridge' };

/** `swift` authenticated with Keystone v3 through OS_* variables, run in the temp dir (so relative names stay short). */
async function swift(args: string[], user: 'admin' | 'demo' | ObjectUser = 'admin'): Promise<CliResult> {
  const u = user === 'admin' ? fx.admin : user === 'demo' ? fx.demo : user;
  const env = cleanEnv({
    OS_AUTH_URL: fx.authUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_USERNAME: u.name,
    OS_PASSWORD: u.password,
    OS_PROJECT_NAME: u.projectName,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: fx.region,
  });
  return run('swift', ['--auth-version', '3', ...args], { env, cwd: tmp.path, timeoutMs: 120_000 });
}

async function swiftOk(args: string[], user: 'admin' | 'demo' | ObjectUser = 'admin'): Promise<CliResult> {
  const r = await swift(args, user);
  if (r.code !== 0) throw new Error(`swift ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}\n${r.stdout.slice(0, 1000)}`);
  return r;
}

/** `swift stat` output as a map of its `Key: value` lines. */
function statLines(out: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return m;
}

beforeAll(async () => {
  await requireCli('swift');
  await requireOpenstackCli();
  fx = await startObjectFixture();
  os = openstackCli(fx.server.dataDir);
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  tmp.cleanup();
});

describe('swift CLI (Keystone v3)', { timeout: CLI_TIMEOUT }, () => {
  const container = uniq('swiftcli');
  const small = randomBytes(2048);
  const dlo = randomBytes(3 * MiB + 123);
  const slo = randomBytes(2 * MiB + 7);

  beforeAll(() => {
    writeFileSync(join(tmp.path, 'small.bin'), small);
    writeFileSync(join(tmp.path, 'dlo.bin'), dlo);
    writeFileSync(join(tmp.path, 'slo.bin'), slo);
  });

  it('upload of a small object, then list and stat', async () => {
    await swiftOk(['upload', container, 'small.bin']);
    const ls = await swiftOk(['list', container]);
    expect(ls.stdout.split('\n')).toContain('small.bin');
    const st = statLines((await swiftOk(['stat', container, 'small.bin'])).stdout);
    expect(st['Content Length']).toBe(String(small.length));
    expect(st.ETag).toBe(md5(small));
  });

  it('upload with --segment-size makes a DLO; download gives the same bytes', async () => {
    await swiftOk(['upload', '--segment-size', String(MiB), container, 'dlo.bin']);
    const st = statLines((await swiftOk(['stat', container, 'dlo.bin'])).stdout);
    expect(st.Manifest).toMatch(new RegExp(`^${container}_segments/dlo\\.bin/`));
    expect(st['Content Length']).toBe(String(dlo.length));
    const segs = await swiftOk(['list', `${container}_segments`]);
    expect(segs.stdout.split('\n').filter((l) => l.startsWith('dlo.bin/'))).toHaveLength(4);
    await swiftOk(['download', container, 'dlo.bin', '-o', 'dlo.down']);
    expect(md5(readFileSync(join(tmp.path, 'dlo.down')))).toBe(md5(dlo));
  });

  it('a segmented upload whose name has a space and non-ASCII (swiftclient quotes the manifest) downloads whole', async () => {
    const name = 'big file ü.bin';
    writeFileSync(join(tmp.path, name), dlo);
    await swiftOk(['upload', '--segment-size', String(MiB), container, name]);
    const st = statLines((await swiftOk(['stat', container, name])).stdout);
    expect(st['Content Length']).toBe(String(dlo.length));
    await swiftOk(['download', container, name, '-o', 'spaced.down']);
    expect(md5(readFileSync(join(tmp.path, 'spaced.down')))).toBe(md5(dlo));
    await swiftOk(['delete', container, name]);
  });

  it('upload with --use-slo makes an SLO; download gives the same bytes', async () => {
    await swiftOk(['upload', '--use-slo', '--segment-size', String(MiB), container, 'slo.bin']);
    const st = statLines((await swiftOk(['stat', container, 'slo.bin'])).stdout);
    expect(st['Content Length']).toBe(String(slo.length));
    expect(st.Manifest).toBeUndefined();
    const segs = await swiftOk(['list', `${container}_segments`]);
    expect(segs.stdout.split('\n').filter((l) => l.startsWith('slo.bin/slo/'))).toHaveLength(3);
    await swiftOk(['download', container, 'slo.bin', '-o', 'slo.down']);
    expect(md5(readFileSync(join(tmp.path, 'slo.down')))).toBe(md5(slo));
  });

  it('download of the whole container checks every MD5', async () => {
    const r = await swiftOk(['download', container, '-D', 'all']);
    expect(r.stdout).toContain('small.bin');
    expect(md5(readFileSync(join(tmp.path, 'all/small.bin')))).toBe(md5(small));
    expect(md5(readFileSync(join(tmp.path, 'all/slo.bin')))).toBe(md5(slo));
  });

  it('list of the account shows the container and its segment container; stat counts them', async () => {
    const ls = await swiftOk(['list']);
    expect(ls.stdout.split('\n')).toEqual(expect.arrayContaining([container, `${container}_segments`]));
    const acct = statLines((await swiftOk(['stat'])).stdout);
    expect(Number(acct.Containers)).toBeGreaterThanOrEqual(2);
    expect(acct.Account).toBe(`AUTH_${fx.admin.projectId}`);
    const cont = statLines((await swiftOk(['stat', container])).stdout);
    expect(cont.Objects).toBe('3');
  });

  it('swift copy of an SLO, then swift delete of the copy, leaves the source and its segments', async () => {
    const segments = async () => (await swiftOk(['list', `${container}_segments`])).stdout.split('\n').filter((l) => l.startsWith('slo.bin/slo/'));
    const before = await segments();
    await swiftOk(['copy', '-d', `/${container}/slo-copy.bin`, container, 'slo.bin']);
    await swiftOk(['download', container, 'slo-copy.bin', '-o', 'slo-copy.down']);
    expect(md5(readFileSync(join(tmp.path, 'slo-copy.down')))).toBe(md5(slo));
    await swiftOk(['delete', container, 'slo-copy.bin']);
    expect(await segments()).toEqual(before);
    await swiftOk(['download', container, 'slo.bin', '-o', 'slo-again.down']);
    expect(md5(readFileSync(join(tmp.path, 'slo-again.down')))).toBe(md5(slo));
  });

  it('swift list --lh and stat -v show sizes, dates and Swift headers', async () => {
    const lh = (await swiftOk(['list', '--lh', container])).stdout.split('\n');
    expect(lh.find((l) => l.endsWith(' small.bin'))).toMatch(/^\s*2\.0K \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} application\/octet-stream small\.bin$/);
    const st = statLines((await swiftOk(['stat', '-v', container, 'small.bin'])).stdout);
    expect(st['X-Timestamp']).toMatch(/^\d{10}\.\d{5}$/);
    expect(st['X-Trans-Id']).toMatch(/^tx[0-9a-f]{21}-[0-9a-f]{10}$/);
    expect(st['X-Openstack-Request-Id']).toBe(st['X-Trans-Id']);
    expect(st.URL).toBe(`${fx.swiftUrl(fx.admin.projectId)}/${container}/small.bin`);
  });

  it('re-upload with --leave-segments keeps the replaced DLO segments; without it, the replaced ones go', async () => {
    const segs = async () => (await swiftOk(['list', `${container}_segments`])).stdout.split('\n').filter((l) => l.startsWith('dlo.bin/'));
    const first = await segs();
    writeFileSync(join(tmp.path, 'dlo.bin'), dlo.subarray(0, 2 * MiB + 1));
    await swiftOk(['upload', '--segment-size', String(MiB), '--leave-segments', container, 'dlo.bin']);
    const kept = await segs();
    expect(kept).toEqual(expect.arrayContaining(first));
    const second = kept.filter((n) => !first.includes(n));
    expect(second).toHaveLength(3);
    writeFileSync(join(tmp.path, 'dlo.bin'), dlo);
    await swiftOk(['upload', '--segment-size', String(MiB), container, 'dlo.bin']);
    // swiftclient deletes the segments of the manifest it replaced (found through X-Object-Manifest), not older ones.
    const now = await segs();
    expect(now).toEqual(expect.arrayContaining(first));
    expect(now.filter((n) => second.includes(n))).toEqual([]);
    expect(now).toHaveLength(first.length + 4);
    await swiftOk(['download', container, 'dlo.bin', '-o', 'dlo.again']);
    expect(md5(readFileSync(join(tmp.path, 'dlo.again')))).toBe(md5(dlo));
    await swiftOk(['delete', `${container}_segments`, ...first]);
  });

  it('post sets object and container metadata', async () => {
    await swiftOk(['post', '-m', 'Color:blue', '-m', 'Owner:tests', container, 'small.bin']);
    const st = statLines((await swiftOk(['stat', container, 'small.bin'])).stdout);
    expect(st['Meta Color']).toBe('blue');
    expect(st['Meta Owner']).toBe('tests');
    // POST replaces all user metadata.
    await swiftOk(['post', '-m', 'Color:red', container, 'small.bin']);
    const again = statLines((await swiftOk(['stat', container, 'small.bin'])).stdout);
    expect(again['Meta Color']).toBe('red');
    expect(again['Meta Owner']).toBeUndefined();
    await swiftOk(['post', '-m', 'Team:storage', container]);
    const cont = statLines((await swiftOk(['stat', container])).stdout);
    expect(cont['Meta Team']).toBe('storage');
  });

  it('swift tempurl: sha256 by default, sha512, ISO expiry, --ip-range and --prefix-based URLs made from the storage URL', async () => {
    await swiftOk(['post', '-m', 'Temp-URL-Key:cli-tempurl-key']);
    const storage = fx.swiftUrl(fx.admin.projectId);
    const fetchText = async (url: string) => {
      const res = await fetch(url.startsWith('http') ? url : `${fx.url}${url}`);
      return { status: res.status, text: await res.text() };
    };
    const urls = [
      (await swiftOk(['tempurl', 'GET', '600', `${storage}/${container}/small.bin`, 'cli-tempurl-key'])).stdout.trim(),
      (await swiftOk(['tempurl', '--digest', 'sha512', 'GET', '600', `${storage}/${container}/small.bin`, 'cli-tempurl-key'])).stdout.trim(),
      (await swiftOk(['tempurl', '--iso8601', 'GET', '1h', `${storage}/${container}/small.bin`, 'cli-tempurl-key'])).stdout.trim(),
    ];
    expect(urls[1]).toContain('temp_url_sig=sha512:');
    for (const url of urls) {
      const got = await fetch(url);
      expect(got.status, url).toBe(200);
      expect(md5(Buffer.from(await got.arrayBuffer()))).toBe(md5(small));
    }
    const prefixed = (await swiftOk(['tempurl', '--prefix-based', 'GET', '600', `${storage}/${container}/slo`, 'cli-tempurl-key'])).stdout.trim();
    const [base, query] = prefixed.split('?');
    expect((await fetchText(`${base}.bin?${query}`)).status).toBe(200);
    expect((await fetchText(`${base!.replace(/slo$/, 'small.bin')}?${query}`)).status).toBe(401);
    // --ip-range binds the URL to the client's address: this client is 127.0.0.1.
    const mine = (await swiftOk(['tempurl', '--ip-range', '127.0.0.0/8', 'GET', '600', `${storage}/${container}/small.bin`, 'cli-tempurl-key'])).stdout.trim();
    expect(mine).toContain('temp_url_ip_range=127.0.0.0/8');
    expect((await fetch(mine)).status).toBe(200);
    const elsewhere = (await swiftOk(['tempurl', '--ip-range', '192.0.2.0/24', 'GET', '600', `${storage}/${container}/small.bin`, 'cli-tempurl-key'])).stdout.trim();
    expect((await fetch(elsewhere)).status).toBe(401);
    // The range is signed: moving it to cover this client breaks the signature.
    expect((await fetch(elsewhere.replace('192.0.2.0/24', '127.0.0.0/8'))).status).toBe(401);
    await swiftOk(['post', '-m', 'Temp-URL-Key:']);
    expect((await fetch(urls[0]!)).status).toBe(401);
  });

  it('a reader of the project lists and downloads but cannot upload, post or delete', async () => {
    const reader = await fx.userWithRole('reader');
    expect((await swiftOk(['list', container], reader)).stdout.split('\n')).toContain('small.bin');
    await swiftOk(['download', container, 'small.bin', '-o', 'reader.down'], reader);
    expect(md5(readFileSync(join(tmp.path, 'reader.down')))).toBe(md5(small));
    for (const args of [['upload', container, 'small.bin', '--object-name', 'by-reader.bin'], ['post', '-m', 'X:1', container, 'small.bin'], ['delete', container, 'small.bin']]) {
      const r = await swift(args, reader);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(/403 Forbidden/);
    }
    expect((await swiftOk(['list', container])).stdout.split('\n')).not.toContain('by-reader.bin');
    expect(statLines((await swiftOk(['stat', container, 'small.bin'])).stdout)['Meta X']).toBeUndefined();
  });

  it("another project's user cannot see the container", async () => {
    const r = await swift(['list', container], 'demo');
    expect(r.code).not.toBe(0);
  });

  it('delete --all empties the account of the user who runs it, and no other', async () => {
    const mine = uniq('demo-all');
    await swiftOk(['upload', mine, 'small.bin'], 'demo');
    await swiftOk(['upload', `${mine}-2`, 'small.bin'], 'demo');
    await swiftOk(['delete', '--all'], 'demo');
    expect((await swiftOk(['list'], 'demo')).stdout.trim()).toBe('');
    expect((await swiftOk(['list', container])).stdout.split('\n')).toContain('small.bin');
  });

  it('delete removes objects (with their segments) and then the container', async () => {
    await swiftOk(['delete', container, 'dlo.bin']);
    const segs = await swiftOk(['list', `${container}_segments`]);
    expect(segs.stdout.split('\n').filter((l) => l.startsWith('dlo.bin/'))).toEqual([]);
    await swiftOk(['delete', container]);
    const ls = await swiftOk(['list']);
    expect(ls.stdout.split('\n')).not.toContain(container);
  });

  it('X-Versions-Location: swift post sets it, an overwrite is archived, swift delete restores the previous version', async () => {
    const current = uniq('swiftver');
    const archive = `${current}-versions`;
    await swiftOk(['post', archive]);
    await swiftOk(['post', '-H', `X-Versions-Location: ${archive}`, current]);
    expect((await swiftOk(['stat', current])).stdout).toMatch(new RegExp(`Versions-Location: ${archive}`, 'i'));
    writeFileSync(join(tmp.path, 'notes.txt'), 'first draft\n');
    await swiftOk(['upload', current, 'notes.txt']);
    writeFileSync(join(tmp.path, 'notes.txt'), 'second draft\n');
    await swiftOk(['upload', current, 'notes.txt']);
    const archived = (await swiftOk(['list', archive])).stdout.split('\n').filter(Boolean);
    expect(archived).toEqual([expect.stringMatching(/^009notes\.txt\/\d{10}\.\d{5}$/)]);
    await swiftOk(['download', archive, archived[0]!, '-o', 'archived.txt']);
    expect(readFileSync(join(tmp.path, 'archived.txt'), 'utf8')).toBe('first draft\n');
    await swiftOk(['download', current, 'notes.txt', '-o', 'current.txt']);
    expect(readFileSync(join(tmp.path, 'current.txt'), 'utf8')).toBe('second draft\n');
    await swiftOk(['delete', current, 'notes.txt']);
    await swiftOk(['download', current, 'notes.txt', '-o', 'restored.txt']);
    expect(readFileSync(join(tmp.path, 'restored.txt'), 'utf8')).toBe('first draft\n');
    expect((await swiftOk(['list', archive])).stdout.trim()).toBe('');
  });
});

describe('swift CLI and quotas / refused features', { timeout: CLI_TIMEOUT }, () => {
  const container = uniq('quota');

  beforeAll(() => {
    writeFileSync(join(tmp.path, 'q1.bin'), randomBytes(2048));
    writeFileSync(join(tmp.path, 'q2.bin'), randomBytes(2048));
  });

  it('swift post -m quota-bytes: an upload past the quota fails with 413 and is not stored', async () => {
    await swiftOk(['post', '-m', 'quota-bytes:3000', container]);
    await swiftOk(['upload', container, 'q1.bin']);
    const over = await swift(['upload', container, 'q2.bin']);
    expect(over.code).not.toBe(0);
    expect(`${over.stderr}${over.stdout}`).toMatch(/413|Upload exceeds quota/);
    const ls = await swiftOk(['list', container]);
    expect(ls.stdout.split('\n').filter(Boolean)).toEqual(['q1.bin']);
    const st = statLines((await swiftOk(['stat', container])).stdout);
    expect(st['Meta Quota-Bytes']).toBe('3000');
    expect(st.Objects).toBe('1');
  });

  it('swift post -m quota-count:1: a second object fails', async () => {
    const c = uniq('quotacount');
    await swiftOk(['post', '-m', 'quota-count:1', c]);
    await swiftOk(['upload', c, 'q1.bin']);
    expect((await swift(['upload', c, 'q2.bin'])).code).not.toBe(0);
    expect((await swiftOk(['list', c])).stdout.split('\n').filter(Boolean)).toEqual(['q1.bin']);
  });

  it('swift post -t (container sync) is refused, and swift capabilities lists the quotas but no container_sync', async () => {
    // 501 is a 5xx: without -R 0 swiftclient retries it with backoff.
    const sync = await swift(['-R', '0', 'post', '-t', '//realm/cluster/AUTH_x/c', '-k', 'secret', container]);
    expect(sync.code).not.toBe(0);
    expect(`${sync.stderr}${sync.stdout}`).toMatch(/501/);
    const caps = (await swiftOk(['capabilities'])).stdout;
    expect(caps).toMatch(/container_quotas/);
    expect(caps).toMatch(/account_quotas/);
    expect(caps).not.toMatch(/container_sync/);
  });
});

describe('Swift answers over TCP', { timeout: CLI_TIMEOUT }, () => {
  it('bodiless answers carry Content-Length: 0 and Content-Type, never a chunked empty body', async () => {
    const base = new URL(fx.swiftUrl(fx.admin.projectId)).pathname;
    const auth = { 'x-auth-token': fx.admin.token };
    const container = uniq('wire');
    const answers = [
      await httpSend(fx.url, 'PUT', `${base}/${container}`, { ...auth, 'content-length': '0' }),
      await httpSend(fx.url, 'PUT', `${base}/${container}`, { ...auth, 'content-length': '0' }),
      await httpSend(fx.url, 'PUT', `${base}/${container}/o`, { ...auth, 'content-length': '2' }, 'hi'),
      await httpSend(fx.url, 'DELETE', `${base}/${container}/o`, auth),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 202, 201, 204]);
    for (const a of answers.slice(0, 3)) {
      expect(a.headers['transfer-encoding']).toBeUndefined();
      expect(a.headers['content-length']).toBe('0');
    }
    for (const a of answers) expect(a.headers['content-type']).toBeTruthy();
    await httpSend(fx.url, 'DELETE', `${base}/${container}`, auth);
  });
});

describe('openstack container / object commands', { timeout: CLI_TIMEOUT }, () => {
  const container = uniq('osc');
  const body = randomBytes(4096);
  const absPath = join(tmp.path, 'absolute name.bin');
  const relName = 'relative.bin';

  beforeAll(() => {
    writeFileSync(absPath, body);
    writeFileSync(join(tmp.path, relName), 'relative object\n');
  });

  it('container create, list, show', async () => {
    const created = await os.json<Array<{ container: string }>>(['container', 'create', container], ADMIN);
    expect(created[0]!.container).toBe(container);
    const list = await os.json<Array<{ Name: string }>>(['container', 'list'], ADMIN);
    expect(list.map((c) => c.Name)).toContain(container);
    const show = await os.json<Record<string, unknown>>(['container', 'show', container], ADMIN);
    expect(show.container).toBe(container);
    expect(String(show.object_count)).toBe('0');
  });

  it('object create with an absolute path stores the leading-slash name verbatim', async () => {
    const created = await os.json<Array<{ object: string; etag: string }>>(['object', 'create', container, absPath], ADMIN);
    expect(created[0]!.object).toBe(absPath);
    expect(created[0]!.etag).toBe(md5(body));
    const list = await os.json<Array<{ Name: string }>>(['object', 'list', container], ADMIN);
    expect(list.map((o) => o.Name)).toContain(absPath);
    const show = await os.json<Record<string, unknown>>(['object', 'show', container, absPath], ADMIN);
    expect(show.object).toBe(absPath);
    expect(String(show['content-length'])).toBe(String(body.length));
    const out = join(tmp.path, 'abs.down');
    await os.ok(['object', 'save', '--file', out, container, absPath], ADMIN);
    expect(md5(readFileSync(out))).toBe(md5(body));
    // The swift CLI sees the same name.
    const ls = await swiftOk(['list', container]);
    expect(ls.stdout.split('\n')).toContain(absPath);
  });

  it('object create / show / save / delete with a relative name', async () => {
    const r = await run('openstack', ['--os-cloud', 'skybridge', 'object', 'create', container, relName, '-f', 'json'], {
      env: cleanEnv({ OS_CLIENT_CONFIG_FILE: os.configFile }),
      cwd: tmp.path,
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ object: string }>)[0]!.object).toBe(relName);
    const out = join(tmp.path, 'rel.down');
    await os.ok(['object', 'save', '--file', out, container, relName], ADMIN);
    expect(readFileSync(out, 'utf8')).toBe('relative object\n');
    await os.ok(['object', 'delete', container, relName], ADMIN);
    const list = await os.json<Array<{ Name: string }>>(['object', 'list', container], ADMIN);
    expect(list.map((o) => o.Name)).toEqual([absPath]);
  });

  it('object delete and container delete', async () => {
    await os.ok(['object', 'delete', container, absPath], ADMIN);
    await os.ok(['container', 'delete', container], ADMIN);
    const list = await os.json<Array<{ Name: string }>>(['container', 'list'], ADMIN);
    expect(list.map((c) => c.Name)).not.toContain(container);
  });
});

describe('swift CLI and python-swiftclient: conformance with Swift 2.30', { timeout: CLI_TIMEOUT }, () => {
  const container = uniq('conf');

  it('swift capabilities lists bulk_upload, staticweb and formpost; metadata names with underscores come back with hyphens', async () => {
    const caps = (await swiftOk(['capabilities'])).stdout;
    for (const name of ['bulk_upload', 'staticweb', 'formpost', 'bulk_delete']) expect(caps).toContain(name);
    await swiftOk(['post', '-m', 'Test_Meta:v1', container]);
    expect(statLines((await swiftOk(['stat', container])).stdout)['Meta Test-Meta']).toBe('v1');
  });

  it('swift post -H X-Object-Manifest turns an uploaded object into a DLO that swift download concatenates', async () => {
    writeFileSync(join(tmp.path, 'part1'), 'abc');
    writeFileSync(join(tmp.path, 'part2'), 'def');
    writeFileSync(join(tmp.path, 'whole'), '');
    await swiftOk(['upload', '--object-name', 'segs/1', container, 'part1']);
    await swiftOk(['upload', '--object-name', 'segs/2', container, 'part2']);
    await swiftOk(['upload', container, 'whole']);
    await swiftOk(['post', '-H', `X-Object-Manifest: ${container}/segs/`, container, 'whole']);
    await swiftOk(['download', container, 'whole', '-o', 'whole.out']);
    expect(readFileSync(join(tmp.path, 'whole.out'), 'utf8')).toBe('abcdef');
  });

  it('python-swiftclient put_object ?extract-archive=tar.gz unpacks into the container; the site then serves anonymously (static web)', async () => {
    const site = uniq('site');
    const src = join(tmp.path, 'site-src');
    mkdirSync(join(src, 'docs'), { recursive: true });
    writeFileSync(join(src, 'index.html'), '<h1>hello</h1>');
    writeFileSync(join(src, 'docs', 'a.txt'), 'doc a');
    const tar = await run('tar', ['-czf', join(tmp.path, 'site.tgz'), '-C', src, 'index.html', 'docs'], { cwd: tmp.path });
    expect(tar.code).toBe(0);
    const py = [
            'from swiftclient import client',
      `url, token = ${JSON.stringify(fx.swiftUrl(fx.admin.projectId))}, ${JSON.stringify(fx.admin.token)}`,
      `client.put_container(url, token, ${JSON.stringify(site)})`,
      `client.put_object(url, token, ${JSON.stringify(site)}, None, contents=open('site.tgz', 'rb'), query_string='extract-archive=tar.gz', headers={'Accept': 'application/json'})`,
    ].join('\n');
    // Debian's python3-swiftclient lives under /usr/bin/python3 (the python3 on PATH may be another one).
    const out = await run(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ['-c', py], { cwd: tmp.path, env: cleanEnv({}) });
    expect(out.code, `python-swiftclient (apt-get install python3-swiftclient): ${out.stderr}`).toBe(0);
    const ls = (await swiftOk(['list', site])).stdout.split('\n').filter(Boolean);
    expect(ls).toEqual(['docs/a.txt', 'index.html']);
    await swiftOk(['post', '-r', '.r:*,.rlistings', '-m', 'web-index:index.html', '-m', 'web-listings:true', site]);
    const base = `${fx.swiftUrl(fx.admin.projectId)}/${site}`;
    const redirect = await fetch(base, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(await (await fetch(`${base}/`)).text()).toBe('<h1>hello</h1>');
    const listing = await (await fetch(`${base}/docs/`)).text();
    expect(listing).toContain('<a href="a.txt">a.txt</a>');
    const health = await fetch(`${fx.url}/healthcheck`);
    expect(await health.text()).toBe('OK');
  });
});
