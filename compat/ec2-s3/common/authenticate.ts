// Authenticates an AWS request (SigV4 header/query, SigV2 header/query, or anonymous) against Keystone EC2 credentials.
import type { AuthContext } from '../../../core/context.js';
import { AwsError, awsErrors } from './aws-error.js';
import { parseV2, verifyV2 } from './sigv2.js';
import { checkScope, parseV4, presignedHeaders, queryPairs, verifyV4, type SigningKeyCache, type VerifiedV4, type WireRequest } from './sigv4.js';

/** The access-key lookup identity offers (`identity.authenticateEc2`). */
export type Ec2KeyLookup = (accessKey: string) => { secret: string; context: AuthContext } | undefined;

/** Who signed the request; `auth` undefined means anonymous. */
export interface AwsPrincipal {
  auth?: AuthContext;
  /** Present for SigV4: aws-chunked bodies verify their chunk signatures with it. */
  v4?: VerifiedV4;
  accessKey?: string;
  /**
   * The request's headers as the signature covers them: the wire headers, plus for presigned SigV4 the
   * `x-amz-*` query parameters a presigner hoisted out of them. Operations read these, never the raw set.
   */
  headers: Headers;
}

export interface AuthenticateOptions {
  /** SigV4 service name the endpoint serves (`s3`, `ec2`). */
  service: string;
  /** Regions a SigV4 scope may name, the endpoint's own first; any when absent. */
  regions?: readonly string[];
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
  assertOneMechanism(req);
  const v4 = parseV4(req);
  if (v4) {
    checkScope(v4, opts);
    const id = lookup(v4.accessKey);
    if (!id) throw awsErrors.invalidAccessKeyId(v4.accessKey);
    if (v4.securityToken !== undefined) throw invalidToken();
    const verified = await verifyV4(v4, id.secret, req, {
      now: opts.now,
      service: opts.service,
      regions: opts.regions,
      maxSkewMs: opts.maxSkewMs,
      signingKeys: opts.signingKeys,
    });
    return { auth: id.context, v4: verified, accessKey: v4.accessKey, headers: v4.form === 'query' ? presignedHeaders(req) : req.headers };
  }
  if (opts.v2Resource !== undefined) {
    const v2 = parseV2(req);
    if (v2) {
      const id = lookup(v2.accessKey);
      if (!id) throw awsErrors.invalidAccessKeyId(v2.accessKey);
      if (req.headers.has('x-amz-security-token') || queryPairs(req.rawQuery).some(([k]) => k.toLowerCase() === 'x-amz-security-token')) throw invalidToken();
      verifyV2(v2, id.secret, req, opts.v2Resource, opts.now);
      // SigV2 signs x-amz-* headers, not query parameters: nothing is hoisted from its query.
      return { auth: id.context, accessKey: v2.accessKey, headers: req.headers };
    }
  }
  const authz = req.headers.get('authorization');
  if (authz) throw awsErrors.invalidArgument('Unsupported Authorization Type', { ArgumentName: 'Authorization', ArgumentValue: authz.split(' ')[0]!.slice(0, 64) });
  return { headers: req.headers };
}

/**
 * Every access key here is a long-term EC2 credential: none is a session key, so a session token names
 * nothing and S3's answer is InvalidToken (400, as AWS sends it), whatever the signature.
 */
function invalidToken(): AwsError {
  return new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
}

/**
 * S3 refuses a request that carries an Authorization header and query-string authentication at once:
 * a verifier that honoured one while a proxy or log trusted the other would disagree about the signer.
 */
function assertOneMechanism(req: WireRequest): void {
  if (!req.headers.has('authorization') || !req.rawQuery) return;
  const names = new Set(queryPairs(req.rawQuery).map(([k]) => k));
  if (names.has('X-Amz-Algorithm') || names.has('AWSAccessKeyId') || names.has('Signature')) {
    throw awsErrors.invalidArgument(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      { ArgumentName: 'Authorization', ArgumentValue: (req.headers.get('authorization') ?? '').split(' ')[0]!.slice(0, 64) },
    );
  }
}
