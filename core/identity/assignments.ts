// Keystone role assignments: grants on projects, domains and the system, and effective-role computation.
import { errors } from '../errors.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** A token scope for which effective roles are computed. */
export type AssignmentScope = { projectId: string } | { domainId: string } | { system: true };

/** Role grants to users and groups. */
export class AssignmentsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** The user's roles on `scope`: direct, via groups, inherited from domains/parents, implied roles expanded. */
  effectiveRoles(userId: string, scope: AssignmentScope): Array<{ id: string; name: string }> {
    void userId;
    void scope;
    void this.deps;
    void this.revoker;
    throw errors.notImplemented('effectiveRoles');
  }
}
