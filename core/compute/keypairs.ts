// Key pairs: import (ssh, x509) or generate (RSA, below 2.92), list, show, delete; a key pair belongs to its user.
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { RequestContext } from '../context.js';
import { cmpKeypairs } from '../db/schema/compute.js';
import { errors } from '../errors.js';
import { isAdmin, newEc2Id, projectOf, requireRule, type ComputeContext } from './context.js';
import { checkCount } from './quotas.js';
import type { Keypair, KeypairType } from './types.js';

type KeypairRow = typeof cmpKeypairs.$inferSelect;

const toKeypair = (r: KeypairRow): Keypair => ({ name: r.name, userId: r.userId, type: r.type as KeypairType, publicKey: r.publicKey, fingerprint: r.fingerprint, createdAt: r.createdAt });

/** Nova's keypair name rule: printable, 1-255 chars, letters, digits, `.`, `_`, `-`, `@` and spaces. */
const NAME = /^[a-zA-Z0-9 _.@-]{1,255}$/;

/** `aa:bb:...` MD5 of an OpenSSH public key's blob (Nova's fingerprint of ssh keys). */
export function sshFingerprint(publicKey: string): string {
  const parts = publicKey.trim().split(/\s+/);
  const blob = parts.length >= 2 ? Buffer.from(parts[1]!, 'base64') : Buffer.alloc(0);
  if (parts.length < 2 || blob.length < 16 || !/^(ssh-|ecdsa-|sk-)/.test(parts[0]!)) throw errors.invalid('Keypair data is invalid: failed to generate fingerprint', { reason: 'public_key' });
  // The blob names its own key type: a mismatch is a corrupt key.
  const typeLen = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + typeLen).toString() !== parts[0]) throw errors.invalid('Keypair data is invalid: failed to generate fingerprint', { reason: 'public_key' });
  return createHash('md5').update(blob).digest('hex').replace(/(..)(?!$)/g, '$1:');
}

function x509Fingerprint(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint.toLowerCase();
  } catch {
    throw errors.invalid('Keypair data is invalid: failed to generate fingerprint', { reason: 'public_key' });
  }
}

/** An OpenSSH `ssh-rsa` public key line and PEM private key, generated. */
function generateRsa(comment: string): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const mpint = (b64: string) => {
    let b = Buffer.from(b64, 'base64url');
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return b;
  };
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), field(mpint(jwk.e)), field(mpint(jwk.n))]);
  return { publicKey: `ssh-rsa ${blob.toString('base64')} ${comment}`, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
}

/** Imports (`publicKey` given) or generates a key pair for the caller, or for `userId` (admin, 2.10). */
export function createKeypair(cc: ComputeContext, ctx: RequestContext, input: { name: string; type?: KeypairType; publicKey?: string; userId?: string }): Keypair {
  const userId = input.userId ?? ctx.auth!.userId;
  requireRule(ctx, 'os_compute_api:os-keypairs', { userId });
  if (!NAME.test(input.name) || input.name.trim() === '') throw errors.invalid('Keypair data is invalid: Keypair name contains unsafe characters', { reason: 'name' });
  const type = input.type ?? 'ssh';
  let publicKey = input.publicKey;
  let privateKey: string | undefined;
  if (publicKey === undefined) {
    if (type !== 'ssh') throw errors.invalid('Keypair data is invalid: only ssh key pairs can be generated', { reason: 'type' });
    ({ publicKey, privateKey } = generateRsa('Generated-by-Nova'));
  }
  const fingerprint = type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
  const now = cc.now();
  const projectId = ctx.auth?.projectId ?? projectOf(ctx);
  const row: KeypairRow = { userId, name: input.name, ec2Id: newEc2Id('key'), projectId, type, publicKey: publicKey.trim(), fingerprint, createdAt: now };
  cc.db.transaction((tx) => {
    if (tx.select({ n: cmpKeypairs.name }).from(cmpKeypairs).where(and(eq(cmpKeypairs.userId, userId), eq(cmpKeypairs.name, input.name))).get()) {
      throw errors.conflict('keypair', `Key pair '${input.name}' already exists.`);
    }
    checkCount(cc, tx, 'key_pairs', { userId, projectId });
    tx.insert(cmpKeypairs).values(row).run();
  });
  return { ...toKeypair(row), ...(privateKey ? { privateKey } : {}) };
}

/** The caller's key pairs (or `userId`'s, for an admin). */
export function listKeypairs(cc: ComputeContext, ctx: RequestContext, opts: { userId?: string; limit?: number; marker?: string } = {}): Keypair[] {
  const userId = opts.userId ?? ctx.auth!.userId;
  requireRule(ctx, 'os_compute_api:os-keypairs', { userId });
  let rows = cc.db.select().from(cmpKeypairs).where(eq(cmpKeypairs.userId, userId)).orderBy(asc(cmpKeypairs.name)).all();
  if (opts.marker !== undefined) {
    const i = rows.findIndex((r) => r.name === opts.marker);
    if (i < 0) throw errors.invalid(`marker [${opts.marker}] not found`);
    rows = rows.slice(i + 1);
  }
  if (opts.limit !== undefined) rows = rows.slice(0, opts.limit);
  return rows.map(toKeypair);
}

export function getKeypair(cc: ComputeContext, ctx: RequestContext, name: string, userId?: string): Keypair {
  const uid = userId ?? ctx.auth!.userId;
  if (uid !== ctx.auth!.userId && !isAdmin(ctx)) throw errors.notFound('keypair', name, `Keypair ${name} not found for user ${uid}`);
  const row = cc.db.select().from(cmpKeypairs).where(and(eq(cmpKeypairs.userId, uid), eq(cmpKeypairs.name, name))).get();
  if (!row) throw errors.notFound('keypair', name, `Keypair ${name} not found for user ${uid}`);
  return toKeypair(row);
}

export function deleteKeypair(cc: ComputeContext, ctx: RequestContext, name: string, userId?: string): void {
  const kp = getKeypair(cc, ctx, name, userId);
  cc.db.delete(cmpKeypairs).where(and(eq(cmpKeypairs.userId, kp.userId), eq(cmpKeypairs.name, name))).run();
}
