// Swift TempURL signature checks, issuing the grant object reads and writes accept.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { objAccounts, objContainers } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import type { ObjectStoreContext } from './store-context.js';
import type { TempUrlGrant, TempUrlInput } from './types.js';

/** IPv4 address in CIDR range (or equal to a bare address); IPv6 compares literally. */
function ipInRange(ip: string, range: string): boolean {
  const [net, bitsRaw] = range.split('/');
  const toInt = (a: string) => {
    const p = a.split('.').map(Number);
    if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
    return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  };
  const a = toInt(ip);
  const n = toInt(net ?? '');
  if (a === undefined || n === undefined) return ip === range;
  const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (n & mask);
}

/** Checks a Swift TempURL signature against the account's and container's keys; Invalid 'TempUrlInvalid' otherwise. */
export async function verifyTempUrl(store: ObjectStoreContext, input: TempUrlInput): Promise<TempUrlGrant> {
  const invalid = () => errors.invalid('Temp URL invalid', { reason: 'TempUrlInvalid' });
  if (!Number.isFinite(input.expires) || input.expires * 1000 <= store.now()) throw invalid();
  if (input.ipRange && (!input.clientIp || !ipInRange(input.clientIp, input.ipRange))) throw invalid();
  const acct = store.db.select().from(objAccounts).where(eq(objAccounts.projectId, input.projectId)).get();
  const cont = store.db.select().from(objContainers).where(and(eq(objContainers.projectId, input.projectId), eq(objContainers.name, input.container))).get();
  const keys = [acct?.metadata['temp-url-key'], acct?.metadata['temp-url-key-2'], cont?.metadata['temp-url-key'], cont?.metadata['temp-url-key-2']].filter((k): k is string => !!k);
  if (!keys.length || !cont) throw invalid();
  let algo: 'sha1' | 'sha256' | 'sha512';
  let given: Buffer;
  const sig = input.signature;
  const m = /^(sha1|sha256|sha512):(.+)$/.exec(sig);
  if (m) {
    algo = m[1] as typeof algo;
    given = Buffer.from(m[2]!.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } else if (/^[0-9a-f]{40}$/i.test(sig)) {
    algo = 'sha1';
    given = Buffer.from(sig, 'hex');
  } else if (/^[0-9a-f]{64}$/i.test(sig)) {
    algo = 'sha256';
    given = Buffer.from(sig, 'hex');
  } else if (/^[0-9a-f]{128}$/i.test(sig)) {
    algo = 'sha512';
    given = Buffer.from(sig, 'hex');
  } else throw invalid();
  const methods = input.method === 'HEAD' ? ['HEAD', 'GET', 'PUT', 'POST'] : [input.method];
  const path = (input.prefix ? 'prefix:' : '') + input.signedPath;
  for (const method of methods) {
    const msg = `${input.ipRange ? `ip=${input.ipRange}\n` : ''}${method}\n${input.expires}\n${path}`;
    for (const key of keys) {
      const want = createHmac(algo, key).update(msg).digest();
      if (want.length === given.length && timingSafeEqual(want, given)) {
        const grant: TempUrlGrant = Object.freeze({ projectId: input.projectId, container: input.container, name: input.name, isPrefix: !!input.prefix, method });
        store.grants.add(grant);
        return grant;
      }
    }
  }
  throw invalid();
}
