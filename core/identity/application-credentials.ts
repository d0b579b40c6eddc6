// Keystone application credentials: creation with a secret shown once, restricted roles, expiry, verification.
import type { applicationCredentials } from '../db/schema/identity.js';
import { errors } from '../errors.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** A stored application credential row (the secret only as a hash). */
export type AppCredRow = typeof applicationCredentials.$inferSelect;

/** How an authenticating caller names an application credential: by id, or by name plus its user. */
export interface AppCredRef {
  id?: string;
  name?: string;
  user?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
}

/** Application credentials of users. */
export class ApplicationCredentialsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** Checks `secret` for the credential named by `ref`; rejects expired ones. Throws Unauthenticated. */
  async verify(ref: AppCredRef, secret: string): Promise<AppCredRow> {
    void ref;
    void secret;
    void this.deps;
    void this.revoker;
    throw errors.notImplemented('verify application credential');
  }
}
