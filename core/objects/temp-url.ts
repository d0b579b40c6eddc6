// Swift TempURL signature checks, issuing the grant object reads and writes accept.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { objAccounts, objContainers } from '../db/schema/objects.js';
import { errors } from '../errors.js';
import type { ObjectStoreContext } from './store-context.js';
import type { FormPostInput, TempUrlGrant, TempUrlInput } from './types.js';

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

/** The signing keys of a container: its account's and its own `temp-url-key(-2)`; undefined when the container is missing. */
function signingKeys(store: ObjectStoreContext, projectId: string, container: string): string[] | undefined {
  const acct = store.db.select().from(objAccounts).where(eq(objAccounts.projectId, projectId)).get();
  const cont = store.db.select().from(objContainers).where(and(eq(objContainers.projectId, projectId), eq(objContainers.name, container))).get();
  if (!cont) return undefined;
  return [acct?.metadata['temp-url-key'], acct?.metadata['temp-url-key-2'], cont.metadata['temp-url-key'], cont.metadata['temp-url-key-2']].filter((k): k is string => !!k);
}

/** A signature's digest and bytes: hex sha1/sha256/sha512 or `<digest>:<base64>`; undefined when unreadable. */
function parseSignature(sig: string): { algo: 'sha1' | 'sha256' | 'sha512'; given: Buffer } | undefined {
  const m = /^(sha1|sha256|sha512):(.+)$/.exec(sig);
  if (m) return { algo: m[1] as 'sha1' | 'sha256' | 'sha512', given: Buffer.from(m[2]!.replace(/-/g, '+').replace(/_/g, '/'), 'base64') };
  if (/^[0-9a-f]{40}$/i.test(sig)) return { algo: 'sha1', given: Buffer.from(sig, 'hex') };
  if (/^[0-9a-f]{64}$/i.test(sig)) return { algo: 'sha256', given: Buffer.from(sig, 'hex') };
  if (/^[0-9a-f]{128}$/i.test(sig)) return { algo: 'sha512', given: Buffer.from(sig, 'hex') };
  return undefined;
}

/** True when `msg` signed with one of `keys` gives the signature. */
function signedByAny(keys: string[], sig: { algo: string; given: Buffer }, msg: string): boolean {
  return keys.some((key) => {
    const want = createHmac(sig.algo, key).update(msg).digest();
    return want.length === sig.given.length && timingSafeEqual(want, sig.given);
  });
}

/** Checks a Swift TempURL signature against the account's and container's keys; Invalid 'TempUrlInvalid' otherwise. */
export async function verifyTempUrl(store: ObjectStoreContext, input: TempUrlInput): Promise<TempUrlGrant> {
  const invalid = () => errors.invalid('Temp URL invalid', { reason: 'TempUrlInvalid' });
  if (!Number.isFinite(input.expires) || input.expires * 1000 <= store.now()) throw invalid();
  if (input.ipRange && (!input.clientIp || !ipInRange(input.clientIp, input.ipRange))) throw invalid();
  const keys = signingKeys(store, input.projectId, input.container);
  if (!keys?.length) throw invalid();
  const sig = parseSignature(input.signature);
  if (!sig) throw invalid();
  const methods = input.method === 'HEAD' ? ['HEAD', 'GET', 'PUT', 'POST'] : [input.method];
  const path = (input.prefix ? 'prefix:' : '') + input.signedPath;
  for (const method of methods) {
    const msg = `${input.ipRange ? `ip=${input.ipRange}\n` : ''}${method}\n${input.expires}\n${path}`;
    if (signedByAny(keys, sig, msg)) {
      const grant: TempUrlGrant = Object.freeze({ projectId: input.projectId, container: input.container, name: input.name, isPrefix: !!input.prefix, method });
      store.grants.add(grant);
      return grant;
    }
  }
  throw invalid();
}

/**
 * Checks a Swift FormPost signature (HMAC of `path\nredirect\nmax_file_size\nmax_file_count\nexpires` with a
 * temp-url key) and grants PUTs of objects under the form's prefix. Unauthenticated 'FormExpired' or
 * 'FormSignatureInvalid' otherwise.
 */
export async function verifyFormPost(store: ObjectStoreContext, input: FormPostInput): Promise<TempUrlGrant> {
  if (!Number.isFinite(input.expires) || input.expires * 1000 <= store.now()) throw errors.unauthenticated('form expired', { reason: 'FormExpired' });
  const invalid = () => errors.unauthenticated('invalid signature', { reason: 'FormSignatureInvalid' });
  const keys = signingKeys(store, input.projectId, input.container);
  const sig = parseSignature(input.signature);
  if (!keys?.length || !sig) throw invalid();
  const ok = input.signedPaths.some((path) => signedByAny(keys, sig, `${path}\n${input.redirect}\n${input.maxFileSize}\n${input.maxFileCount}\n${input.expires}`));
  if (!ok) throw invalid();
  const grant: TempUrlGrant = Object.freeze({ projectId: input.projectId, container: input.container, name: input.prefix, isPrefix: true, method: 'PUT' });
  store.grants.add(grant);
  return grant;
}
