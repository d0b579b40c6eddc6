// The token wire format: a compact payload, AES-256-GCM encrypted and authenticated with a ring key, base64url.
import { errors } from '../../errors.js';
import type { TokenKeyRing } from '../ports.js';

/** What a token scopes to; the names and roles are looked up at validation, as Keystone's fernet tokens do. */
export type TokenScope =
  | { kind: 'unscoped' }
  | { kind: 'project'; id: string }
  | { kind: 'domain'; id: string }
  | { kind: 'system' };

/** Everything a token carries. Times are ms since the epoch. */
export interface TokenPayload {
  userId: string;
  methods: string[];
  scope: TokenScope;
  appCredId?: string;
  /** OS-TRUST: the trust the token was issued through (its user is the trustee, or the trustor when impersonating). */
  trustId?: string;
  /** The token's own audit id first, then the audit id of the token it was rescoped from (the chain root). */
  auditIds: string[];
  issuedAt: number;
  expiresAt: number;
}

const VERSION = 1;
const HEADER_LEN = 5; // version byte + 4-byte key id
const IV_LEN = 12;
const KNOWN_METHODS = ['password', 'token', 'application_credential', 'ec2credential', 'totp', 'mapped'];
const SCOPE_CODES = { unscoped: 0, project: 1, domain: 2, system: 3 } as const;

interface PreparedKey {
  kid: string;
  kidBytes: Uint8Array;
  key: CryptoKey;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function toB64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url `s`, or undefined when it is not that (a length of 4n+1 never is). */
function fromB64url(s: string): Uint8Array<ArrayBuffer> | undefined {
  if (s.length % 4 === 1 || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Encrypts and decrypts token payloads with the key ring through Web Crypto, so the request path
 * needs no `node:` module. Layout: `[version][key id: 4 bytes of SHA-256(key)][iv: 12][ciphertext+tag]`,
 * the 5 header bytes authenticated as additional data. The key id picks the key directly, so a
 * rotated ring still opens tokens sealed with any key it holds.
 */
export class TokenCodec {
  private prepared: PreparedKey[] = [];
  private preparedFor: Uint8Array[] | undefined;

  constructor(private readonly ring: TokenKeyRing) {}

  /** A fresh token id for `payload`, sealed with the primary key. */
  async seal(payload: TokenPayload): Promise<string> {
    const [primary] = await this.keys();
    if (!primary) throw new Error('token key ring is empty');
    const iv = crypto.getRandomValues(new Uint8Array(IV_LEN));
    const header = new Uint8Array(HEADER_LEN);
    header[0] = VERSION;
    header.set(primary.kidBytes, 1);
    const plain = pack(payload);
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: header }, primary.key, plain),
    );
    const out = new Uint8Array(HEADER_LEN + IV_LEN + sealed.length);
    out.set(header, 0);
    out.set(iv, HEADER_LEN);
    out.set(sealed, HEADER_LEN + IV_LEN);
    return toB64url(out);
  }

  /** The payload of `token`; throws Unauthenticated if it is malformed, tampered with, or sealed with an unknown key. */
  async open(token: string): Promise<TokenPayload> {
    const bytes = typeof token === 'string' && token.length <= 2048 ? fromB64url(token) : undefined;
    if (!bytes || bytes.length < HEADER_LEN + IV_LEN + 16 || bytes[0] !== VERSION) throw invalidToken();
    const kid = hex(bytes.subarray(1, HEADER_LEN));
    const key = (await this.keys()).find((k) => k.kid === kid);
    if (!key) throw invalidToken();
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(HEADER_LEN, HEADER_LEN + IV_LEN), additionalData: bytes.subarray(0, HEADER_LEN) },
        key.key,
        bytes.subarray(HEADER_LEN + IV_LEN),
      );
    } catch {
      throw invalidToken();
    }
    let payload: TokenPayload | undefined;
    try {
      payload = unpack(new Uint8Array(plain));
    } catch {
      payload = undefined;
    }
    if (!payload) throw invalidToken();
    return payload;
  }

  private async keys(): Promise<PreparedKey[]> {
    const raw = this.ring.keys();
    if (raw === this.preparedFor) return this.prepared;
    this.prepared = await Promise.all(
      raw.map(async (ringKey) => {
        const k = new Uint8Array(ringKey);
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', k));
        const kidBytes = digest.slice(0, 4);
        const key = await crypto.subtle.importKey('raw', k, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
        return { kid: hex(kidBytes), kidBytes, key };
      }),
    );
    this.preparedFor = raw;
    return this.prepared;
  }
}

function invalidToken() {
  return errors.unauthenticated('The request you have made requires authentication.', { reason: 'invalid-token' });
}

const HEX_ID = /^[0-9a-f]{32}$/;
const B64_ID = /^[A-Za-z0-9_-]{22}$/;
const TAG_HEX = 0xff;
const TAG_B64 = 0xfe;
const MAX_STR = 0xfd;

/**
 * Binary plaintext, so ids stay short: `[flags][methods bitmask][issuedAt: 6][expiresAt: 6]`, then
 * the user id, the scope id (project/domain), the app credential id (flag), the trust id (flag) and the audit ids (count
 * byte first). A 32-hex id or a 22-char audit id packs into 16 bytes; other strings are length-prefixed.
 */
function pack(p: TokenPayload): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  let mask = 0;
  for (const m of p.methods) {
    const i = KNOWN_METHODS.indexOf(m);
    if (i < 0) throw new Error(`cannot seal a token for method ${m}`);
    mask |= 1 << i;
  }
  out.push(SCOPE_CODES[p.scope.kind] | (p.appCredId ? 4 : 0) | (p.trustId ? 8 : 0), mask);
  putTime(out, p.issuedAt);
  putTime(out, p.expiresAt);
  putStr(out, p.userId);
  if (p.scope.kind === 'project' || p.scope.kind === 'domain') putStr(out, p.scope.id);
  if (p.appCredId) putStr(out, p.appCredId);
  if (p.trustId) putStr(out, p.trustId);
  out.push(p.auditIds.length);
  for (const a of p.auditIds) putStr(out, a);
  return Uint8Array.from(out);
}

function unpack(b: Uint8Array): TokenPayload | undefined {
  const r = { b, i: 0 };
  const flags = b[r.i++];
  const mask = b[r.i++];
  if (flags === undefined || mask === undefined) return undefined;
  const issuedAt = getTime(r);
  const expiresAt = getTime(r);
  const userId = getStr(r);
  const code = flags & 3;
  const scopeId = code === 1 || code === 2 ? getStr(r) : '';
  const appCredId = flags & 4 ? getStr(r) : undefined;
  const trustId = flags & 8 ? getStr(r) : undefined;
  const n = b[r.i++] ?? 0;
  const auditIds: string[] = [];
  for (let k = 0; k < n; k++) auditIds.push(getStr(r));
  if (r.i !== b.length) return undefined;
  const methods = KNOWN_METHODS.filter((_, i) => mask & (1 << i));
  const scope: TokenScope =
    code === 1 ? { kind: 'project', id: scopeId } : code === 2 ? { kind: 'domain', id: scopeId } : code === 3 ? { kind: 'system' } : { kind: 'unscoped' };
  return { userId, methods, scope, appCredId, ...(trustId ? { trustId } : {}), auditIds, issuedAt, expiresAt };
}

function putTime(out: number[], ms: number): void {
  for (let k = 5; k >= 0; k--) out.push(Math.floor(ms / 2 ** (8 * k)) & 0xff);
}

function getTime(r: { b: Uint8Array; i: number }): number {
  let v = 0;
  for (let k = 0; k < 6; k++) v = v * 256 + (r.b[r.i++] ?? 0);
  return v;
}

function putStr(out: number[], s: string): void {
  if (HEX_ID.test(s)) {
    out.push(TAG_HEX);
    for (let k = 0; k < 32; k += 2) out.push(parseInt(s.slice(k, k + 2), 16));
  } else if (B64_ID.test(s) && fromB64url(s)!.length === 16 && toB64url(fromB64url(s)!) === s) {
    out.push(TAG_B64, ...fromB64url(s)!);
  } else {
    const bytes = enc.encode(s);
    if (bytes.length > MAX_STR) throw new Error('token field too long');
    out.push(bytes.length, ...bytes);
  }
}

function getStr(r: { b: Uint8Array; i: number }): string {
  const tag = r.b[r.i++];
  if (tag === undefined) throw new Error('truncated');
  if (tag === TAG_HEX || tag === TAG_B64) {
    const raw = r.b.subarray(r.i, r.i + 16);
    r.i += 16;
    if (raw.length !== 16) throw new Error('truncated');
    return tag === TAG_HEX ? hex(raw) : toB64url(raw);
  }
  const raw = r.b.subarray(r.i, r.i + tag);
  r.i += tag;
  if (raw.length !== tag) throw new Error('truncated');
  return dec.decode(raw);
}

/** A Keystone-style audit id: 16 random bytes, base64url without padding (22 characters). */
export function newAuditId(): string {
  return toB64url(crypto.getRandomValues(new Uint8Array(16)));
}
