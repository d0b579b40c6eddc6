// The caller's identity and request facts that every core service method receives.

/** Who is calling, as established by a validated Keystone token, app credential or EC2 signature. */
export interface AuthContext {
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName?: string;
  /** Set for a project-scoped token. */
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  /** Set for a domain-scoped token. */
  domainId?: string;
  domainName?: string;
  /** True for a system-scoped (`system: {all: true}`) token. */
  system?: boolean;
  /** Effective role names on the scope (implied roles expanded: admin ⊃ member ⊃ reader). */
  roles: string[];
  roleIds: string[];
  /** Methods used to authenticate, e.g. ['password'], ['application_credential'], ['ec2']. */
  methods: string[];
  /** Keystone audit id of the token (for revocation); absent for signature-authenticated requests. */
  auditId?: string;
  appCredentialId?: string;
  /** Set for a trust-scoped token (OS-TRUST). */
  trustId?: string;
  issuedAt: number;
  expiresAt: number;
}

/** Facts about how a request arrived, which bucket policy conditions test (`aws:SourceIp`, `aws:SecureTransport`). */
export interface RequestFacts {
  /** The client's address on the connection, when the entry knows it. */
  sourceIp?: string;
  /** True when the request reached skybridge over TLS. */
  secureTransport?: boolean;
  /**
   * The IAM action the request performs (`s3:GetObjectAcl`), for operations whose authorization check in
   * core does not say it by itself; core uses its own default per check otherwise.
   */
  action?: string;
}

/** Per-request facts passed from compat into core; core never sees wire objects. */
export interface RequestContext {
  requestId: string;
  /** Undefined for anonymous requests (e.g. S3 public-read, Swift TempURL). */
  auth?: AuthContext;
  /** Set by the faces that know them; absent facts are treated as bucket policies treat missing keys. */
  facts?: RequestFacts;
}

/** Per-request variables every HTTP family's middleware sets (Hono `c.get()`); plain data, no HTTP types. */
export interface RequestVariables {
  requestId: string;
  startedAt: number;
  /** Set by a family's authentication middleware. */
  auth?: AuthContext;
  /** The wire operation a family routed the request to (`ListObjectsV2`, `putObject`…): access log and metrics. */
  operation?: string;
}

/**
 * Per-request bindings from the entry (Hono `c.env`). `rawPath` is the request target exactly as the
 * client sent it (path and query, no normalisation): S3 keys, Swift names and SigV4 canonical URIs use it.
 */
export interface RequestBindings {
  rawPath?: string;
  /**
   * Sends `100 Continue` to a client waiting with `Expect: 100-continue` (no-op otherwise). The Node entry
   * defers it so a family can authenticate from the headers first (S3: 403 before the body is sent).
   */
  writeContinue?: () => void;
  /**
   * The request body read straight from the connection (null for GET/HEAD); the same stream on every
   * call. Cheaper than `c.req.raw.body`, which makes the Node adapter build a whole WHATWG Request.
   */
  requestBody?: () => ReadableStream<Uint8Array> | null;
  /** The client's address on the connection (Swift TempURLs with `temp_url_ip_range` are bound to it). */
  remoteAddress?: string;
  /**
   * The request headers as received, `[name, value, …]`: a header sent twice keeps both values
   * (signature canonical forms join them with `,`, where the Fetch `Headers` join with `, `).
   */
  rawHeaders?: readonly string[];
  /** `rawHeaders` as a Headers object, made on first use by `requestHeaders` (core/request-headers.ts) and kept for the request. */
  headers?: Headers;
}

/** The raw path+query of a request: from the entry's binding when present, else from the parsed URL. */
export function rawTarget(env: RequestBindings | undefined, url: string): string {
  if (env?.rawPath) return env.rawPath;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start === -1 ? '/' : url.slice(start);
}
