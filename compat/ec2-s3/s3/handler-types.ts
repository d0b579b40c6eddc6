// The contract between the S3 dispatcher and the per-operation handlers.
import type { AuthContext, RequestContext } from '../../../core/context.js';
import type { Logger } from '../../../core/logger.js';
import type { ObjectService } from '../../../core/objects/object-service.js';
import type { Ec2KeyLookup } from '../common/authenticate.js';
import type { VerifiedV4 } from '../common/sigv4.js';
import type { ObjectBody } from './body.js';

/** What the S3 face is built from (in the composition root). */
export interface S3Deps {
  objects: ObjectService;
  /** `identity.authenticateEc2`: access key → secret and caller context. */
  authenticateEc2: Ec2KeyLookup;
  /** Region reported by GetBucketLocation and accepted as LocationConstraint. */
  region: string;
  /** Public base URL; its host name (when not an IP) is also a virtual-hosted base domain. */
  publicUrl: string;
  logger: Logger;
  clock?: { now(): number };
}

/** One parsed, authenticated S3 request as a handler sees it. */
export interface S3Call {
  deps: S3Deps;
  ctx: RequestContext;
  /** The model-bound input (uri labels, headers, query, XML payload). */
  input: Record<string, unknown>;
  bucket: string;
  /** Present for object-level operations. */
  key: string;
  method: string;
  headers: Headers;
  query: URLSearchParams;
  /** The object body pipeline (PutObject, UploadPart), built lazily so auth errors answer first. */
  objectBody(): ObjectBody;
  v4?: VerifiedV4;
}

/** A handler's answer: the typed output for the model serializer, plus a stream body or extra headers. */
export interface S3Result {
  output?: Record<string, unknown>;
  status?: number;
  headers?: Record<string, string>;
  /** Streaming body (GetObject), or bytes already in memory (a small object, answered in one write). */
  body?: ReadableStream<Uint8Array> | Uint8Array;
}

export type S3Handler = (call: S3Call) => Promise<S3Result>;

/** The canonical owner S3 shows for a project: ID = project id, DisplayName = project name. */
export function ownerOf(auth: AuthContext | undefined, projectId?: string): { ID: string; DisplayName: string } | undefined {
  const id = projectId ?? auth?.projectId;
  if (!id) return undefined;
  return { ID: id, DisplayName: auth && auth.projectId === id ? (auth.projectName ?? id) : id };
}
