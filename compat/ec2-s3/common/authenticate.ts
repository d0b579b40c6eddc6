// Authenticates an AWS request (SigV4 header/query, SigV2 header/query, or anonymous) against Keystone EC2 credentials.
import type { AuthContext } from '../../../core/context.js';
import { awsErrors } from './aws-error.js';
import { parseV2, verifyV2 } from './sigv2.js';
import { parseV4, verifyV4, type SigningKeyCache, type VerifiedV4, type WireRequest } from './sigv4.js';

/** The access-key lookup identity offers (`identity.authenticateEc2`). */
export type Ec2KeyLookup = (accessKey: string) => { secret: string; context: AuthContext } | undefined;

/** Who signed the request; `auth` undefined means anonymous. */
export interface AwsPrincipal {
  auth?: AuthContext;
  /** Present for SigV4: aws-chunked bodies verify their chunk signatures with it. */
  v4?: VerifiedV4;
  accessKey?: string;
}

export interface AuthenticateOptions {
  /** SigV4 service name the endpoint serves (`s3`, `ec2`). */
  service: string;
  now: number;
  /** SigV2 canonical resource (`/bucket/key` as sent); SigV2 is only accepted when given. */
  v2Resource?: string;
  maxSkewMs?: number;
  /** The endpoint's cache of derived SigV4 signing keys (derived per request without one). */
  signingKeys?: SigningKeyCache;
}

/**
 * Verifies whichever signature the request carries. Unknown key → InvalidAccessKeyId; bad signature →
 * SignatureDoesNotMatch; no signature at all → anonymous (the service decides what anonymous may do).
 */
export async function authenticate(req: WireRequest, lookup: Ec2KeyLookup, opts: AuthenticateOptions): Promise<AwsPrincipal> {
  const v4 = parseV4(req);
  if (v4) {
    const id = lookup(v4.accessKey);
    if (!id) throw awsErrors.invalidAccessKeyId(v4.accessKey);
    const verified = await verifyV4(v4, id.secret, req, { now: opts.now, service: opts.service, maxSkewMs: opts.maxSkewMs, signingKeys: opts.signingKeys });
    return { auth: id.context, v4: verified, accessKey: v4.accessKey };
  }
  if (opts.v2Resource !== undefined) {
    const v2 = parseV2(req);
    if (v2) {
      const id = lookup(v2.accessKey);
      if (!id) throw awsErrors.invalidAccessKeyId(v2.accessKey);
      verifyV2(v2, id.secret, req, opts.v2Resource, opts.now);
      return { auth: id.context, accessKey: v2.accessKey };
    }
  }
  const authz = req.headers.get('authorization');
  if (authz) throw awsErrors.invalidArgument('Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authz.split(' ')[0] });
  return {};
}
