// Keystone users: CRUD, enable/disable, password change and password verification with security compliance.
import type { users } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** A stored user row. */
export type UserRow = typeof users.$inferSelect;

/** How an authenticating caller names a user: by id, or by name within a domain given by id or name. */
export interface UserRef {
  id?: string;
  name?: string;
  domainId?: string;
  domainName?: string;
}

/** Users of every domain. */
export class UsersService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /**
   * Checks `password` for the user named by `ref` (password auth). Applies lockout, password expiry and
   * change-on-first-use; records failed attempts. Throws Unauthenticated with Keystone's messages.
   */
  async verifyPassword(ref: UserRef, password: string): Promise<UserRow> {
    void ref;
    void password;
    void this.deps;
    void this.revoker;
    throw errors.notImplemented('verifyPassword');
  }
}
