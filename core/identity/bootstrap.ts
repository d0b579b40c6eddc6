// First-start setup like `keystone-manage bootstrap`: Default domain, admin and demo projects and users, roles, EC2 keys.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { credentials, domains, impliedRoles, projects, roleAssignments, roles, users } from '../db/schema/identity.js';
import type { PasswordHasher } from './ports.js';

/** Passwords to use; the composition root generates and keeps them in the data dir. */
export interface BootstrapOptions {
  adminPassword: string;
  demoPassword: string;
  /** Set the admin password even if the admin user exists (it was configured explicitly, as `keystone-manage bootstrap` does). */
  resetAdminPassword?: boolean;
}

/** One bootstrapped account and how to use it. */
export interface BootstrapAccount {
  userId: string;
  userName: string;
  password: string;
  /** False when the user's password was changed since (`openstack user set --password`): `password` is then stale and must not be shown. */
  passwordCurrent: boolean;
  projectId: string;
  projectName: string;
  domainId: string;
  domainName: string;
  ec2: { access: string; secret: string };
}

/** The outcome: whether this start created the accounts, and both accounts. */
export interface BootstrapResult {
  created: boolean;
  admin: BootstrapAccount;
  demo: BootstrapAccount;
}

const DEFAULT_DOMAIN = { id: 'default', name: 'Default' };
const ROLE_NAMES = ['admin', 'member', 'reader', 'service'] as const;
/** admin ⇒ member ⇒ reader; `service` implies nothing. */
const IMPLICATIONS: Array<[string, string]> = [
  ['admin', 'member'],
  ['member', 'reader'],
];

const newId = () => crypto.randomUUID().replace(/-/g, '');

async function sha256Hex(s: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Idempotent: every piece is looked up by its natural key first and created only when missing, so a
 * restart (or a crash half way) converges to the same state and keeps existing ids and secrets.
 */
export async function bootstrapIdentity(db: Db, hasher: PasswordHasher, now: number, opts: BootstrapOptions): Promise<BootstrapResult> {
  const existingAdmin = findUser(db, 'admin');
  const existingDemo = findUser(db, 'demo');
  const adminHash = existingAdmin?.passwordHash && !opts.resetAdminPassword ? undefined : await hasher.hash(opts.adminPassword);
  const adminNeedsReset =
    !!existingAdmin &&
    !!opts.resetAdminPassword &&
    !(existingAdmin.passwordHash && (await hasher.verify(opts.adminPassword, existingAdmin.passwordHash)));
  const demoHash = existingDemo?.passwordHash ? undefined : await hasher.hash(opts.demoPassword);
  // The kept passwords are only what bootstrap set: a user may have changed theirs since.
  const adminCurrent = !existingAdmin?.passwordHash || !!opts.resetAdminPassword || (await hasher.verify(opts.adminPassword, existingAdmin.passwordHash));
  const demoCurrent = !existingDemo?.passwordHash || (await hasher.verify(opts.demoPassword, existingDemo.passwordHash));
  const newKeys = { admin: { access: newId(), secret: newId() }, demo: { access: newId(), secret: newId() } };
  const keyIds = { admin: await sha256Hex(newKeys.admin.access), demo: await sha256Hex(newKeys.demo.access) };

  const result = db.transaction((tx) => {
    const created = !existingAdmin;
    tx.insert(domains)
      .values({ ...DEFAULT_DOMAIN, description: 'The default domain', enabled: true, createdAt: now })
      .onConflictDoNothing()
      .run();
    const roleIds: Record<string, string> = {};
    for (const name of ROLE_NAMES) {
      const r = tx.select().from(roles).where(and(eq(roles.name, name), isNull(roles.domainId))).get();
      roleIds[name] = r?.id ?? newId();
      if (!r) tx.insert(roles).values({ id: roleIds[name]!, name, domainId: null, createdAt: now }).run();
    }
    for (const [prior, implied] of IMPLICATIONS) {
      tx.insert(impliedRoles).values({ priorRoleId: roleIds[prior]!, impliedRoleId: roleIds[implied]! }).onConflictDoNothing().run();
    }
    const project = (name: string, description: string) => {
      const p = tx.select().from(projects).where(and(eq(projects.name, name), eq(projects.domainId, DEFAULT_DOMAIN.id))).get();
      if (p) return p.id;
      const id = newId();
      tx.insert(projects).values({ id, name, domainId: DEFAULT_DOMAIN.id, parentId: null, description, enabled: true, tags: [], createdAt: now }).run();
      return id;
    };
    const adminProject = project('admin', 'Bootstrap project for initializing the cloud.');
    const demoProject = project('demo', 'Demo project for a non-admin user.');

    const user = (name: string, hash: string | undefined, reset: boolean) => {
      const u = tx.select().from(users).where(and(eq(users.name, name), eq(users.domainId, DEFAULT_DOMAIN.id))).get();
      if (u) {
        if (reset && hash) tx.update(users).set({ passwordHash: hash, passwordCreatedAt: now, enabled: true }).where(eq(users.id, u.id)).run();
        else if (!u.passwordHash && hash) tx.update(users).set({ passwordHash: hash, passwordCreatedAt: now }).where(eq(users.id, u.id)).run();
        return u.id;
      }
      const id = newId();
      tx.insert(users).values({ id, name, domainId: DEFAULT_DOMAIN.id, enabled: true, passwordHash: hash ?? null, passwordCreatedAt: now, createdAt: now }).run();
      return id;
    };
    const adminUser = user('admin', adminHash, adminNeedsReset);
    const demoUser = user('demo', demoHash, false);

    const grant = (type: 'UserProject' | 'UserSystem', actorId: string, targetId: string, roleId: string) =>
      tx.insert(roleAssignments).values({ type, actorId, targetId, roleId, inherited: false }).onConflictDoNothing().run();
    grant('UserProject', adminUser, adminProject, roleIds.admin!);
    grant('UserSystem', adminUser, 'system', roleIds.admin!);
    grant('UserProject', demoUser, demoProject, roleIds.member!);

    const ec2 = (userId: string, projectId: string, fresh: { access: string; secret: string }, id: string) => {
      const rows = tx.select().from(credentials).where(and(eq(credentials.userId, userId), eq(credentials.type, 'ec2'))).all();
      for (const row of rows) {
        const blob = parseBlob(row.blob);
        if (row.projectId === projectId && blob) return blob;
      }
      tx.insert(credentials)
        .values({
          id,
          userId,
          projectId,
          type: 'ec2',
          blob: JSON.stringify({ access: fresh.access, secret: fresh.secret, trust_id: null }),
          accessKey: fresh.access,
          createdAt: now,
        })
        .run();
      return fresh;
    };
    const base = { domainId: DEFAULT_DOMAIN.id, domainName: DEFAULT_DOMAIN.name };
    return {
      created,
      admin: { ...base, userId: adminUser, userName: 'admin', password: opts.adminPassword, passwordCurrent: adminCurrent, projectId: adminProject, projectName: 'admin', ec2: ec2(adminUser, adminProject, newKeys.admin, keyIds.admin) },
      demo: { ...base, userId: demoUser, userName: 'demo', password: opts.demoPassword, passwordCurrent: demoCurrent, projectId: demoProject, projectName: 'demo', ec2: ec2(demoUser, demoProject, newKeys.demo, keyIds.demo) },
    };
  });
  return result;
}

function findUser(db: Db, name: string) {
  return db.select().from(users).where(and(eq(users.name, name), eq(users.domainId, DEFAULT_DOMAIN.id))).get();
}

function parseBlob(blob: string): { access: string; secret: string } | undefined {
  try {
    const b = JSON.parse(blob) as { access?: unknown; secret?: unknown };
    return typeof b.access === 'string' && typeof b.secret === 'string' ? { access: b.access, secret: b.secret } : undefined;
  } catch {
    return undefined;
  }
}
