// What the metadata service tells a guest about itself (Nova's InstanceMetadata): identity, keys, user data, ports; found by id or by its port's address.
import { and, eq } from 'drizzle-orm';
import { cmpInstances, cmpKeypairs } from '../db/schema/compute.js';
import { fullInstance, type ComputeContext } from './context.js';
import { interfaceTags } from './interfaces.js';
import type { GuestPort } from './ports.js';
import type { Instance } from './types.js';

/** One guest's metadata. */
export interface GuestMetadata {
  instance: Instance;
  /** The injected key (`--key-name`), with its type. */
  keys: Array<{ name: string; type: string; data: string }>;
  /** The image's EC2 id (`ami-…`), when the image still exists. */
  imageEc2Id: string | null;
  ports: GuestPort[];
  /** Device tags of its ports, by port id (the metadata's `devices`). */
  interfaceTags: Record<string, string>;
}

/**
 * The metadata of a live instance. Trusted: the caller has proved which guest asks (a signed
 * instance id, or an address vouched for by the network's metadata proxy), so there is no policy.
 */
export function guestMetadata(cc: ComputeContext, instanceId: string): GuestMetadata | undefined {
  const row = cc.db.select().from(cmpInstances).where(eq(cmpInstances.id, instanceId)).get();
  if (!row || row.deletedAt !== null) return undefined;
  const instance = fullInstance(cc.db, row);
  const keys: GuestMetadata['keys'] = [];
  if (row.keyName && row.keyData) {
    const kp = cc.db.select({ type: cmpKeypairs.type }).from(cmpKeypairs).where(and(eq(cmpKeypairs.userId, row.userId), eq(cmpKeypairs.name, row.keyName))).get();
    keys.push({ name: row.keyName, type: kp?.type ?? 'ssh', data: row.keyData });
  }
  let imageEc2Id: string | null = null;
  if (row.imageId) {
    // As the instance's project sees it (the image it booted from was visible to it then).
    try {
      imageEc2Id = cc.images.get({ requestId: 'metadata', auth: { userId: row.userId, userName: '', userDomainId: 'default', projectId: row.projectId, roles: ['member', 'reader'], roleIds: [], methods: ['service'], issuedAt: 0, expiresAt: 0 } }, row.imageId).ec2Id;
    } catch {
      imageEc2Id = null;
    }
  }
  return { instance, keys, imageEc2Id, ports: cc.networking?.networkData(instanceId) ?? [], interfaceTags: Object.fromEntries(interfaceTags(cc, instanceId)) };
}

/** The metadata of the guest whose port holds `ip` (on `networkId` when the proxy names it). */
export function guestMetadataAt(cc: ComputeContext, ip: string, networkId?: string): GuestMetadata | undefined {
  const id = cc.networking?.instanceAt(ip, networkId);
  return id ? guestMetadata(cc, id) : undefined;
}
