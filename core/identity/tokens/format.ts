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

function fromB64url(s: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
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
    const plain = enc.encode(JSON.stringify(pack(payload)));
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
    const bytes = token.length <= 2048 ? fromB64url(token) : undefined;
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
    const payload = unpack(JSON.parse(dec.decode(plain)));
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

type Packed = [string, number | string[], number, string, string, string[], number, number];

/** Short positional form: known methods as a bitmask, times in ms. */
function pack(p: TokenPayload): Packed {
  const known = p.methods.every((m) => KNOWN_METHODS.includes(m));
  const methods = known ? p.methods.reduce((acc, m) => acc | (1 << KNOWN_METHODS.indexOf(m)), 0) : p.methods;
  const scopeId = p.scope.kind === 'project' || p.scope.kind === 'domain' ? p.scope.id : '';
  return [p.userId, methods, SCOPE_CODES[p.scope.kind], scopeId, p.appCredId ?? '', p.auditIds, p.issuedAt, p.expiresAt];
}

function unpack(v: unknown): TokenPayload | undefined {
  if (!Array.isArray(v) || v.length !== 8) return undefined;
  const [userId, m, scopeCode, scopeId, appCredId, auditIds, issuedAt, expiresAt] = v as Packed;
  if (typeof userId !== 'string' || typeof issuedAt !== 'number' || typeof expiresAt !== 'number' || !Array.isArray(auditIds)) return undefined;
  const methods = typeof m === 'number' ? KNOWN_METHODS.filter((_, i) => m & (1 << i)) : m;
  let scope: TokenScope;
  if (scopeCode === 1) scope = { kind: 'project', id: scopeId };
  else if (scopeCode === 2) scope = { kind: 'domain', id: scopeId };
  else if (scopeCode === 3) scope = { kind: 'system' };
  else scope = { kind: 'unscoped' };
  return { userId, methods, scope, appCredId: appCredId || undefined, auditIds, issuedAt, expiresAt };
}

/** A Keystone-style audit id: 16 random bytes, base64url without padding (22 characters). */
export function newAuditId(): string {
  return toB64url(crypto.getRandomValues(new Uint8Array(16)));
}
