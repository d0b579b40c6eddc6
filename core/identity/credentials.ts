// Keystone /v3/credentials and OS-EC2 credentials (the same rows), plus the EC2 secret lookup for SigV4.
import { errors } from '../errors.js';
import type { IdentityDeps, Revoker } from './ports.js';

/** What a SigV4 verifier needs for an access key. */
export interface Ec2Secret {
  userId: string;
  projectId: string;
  secret: string;
}

/** Credentials of users, of any type; EC2 ones are also the AWS access keys. */
export class CredentialsService {
  constructor(
    private readonly deps: IdentityDeps,
    private readonly revoker: Revoker,
  ) {}

  /** The EC2 credential with this access key, or undefined. */
  findEc2(accessKey: string): Ec2Secret | undefined {
    void accessKey;
    void this.deps;
    void this.revoker;
    throw errors.notImplemented('findEc2');
  }
}
