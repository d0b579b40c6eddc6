// Account operations: listing containers, counters and metadata (GET/HEAD/POST /v1/AUTH_{project}).
import { SwiftError } from '../errors.js';
import { checkMetadata, readMetaHeaders } from '../headers.js';
import { formatAccountListing, negotiateFormat } from '../listing.js';
import { parseListing } from '../request-parse.js';
import { callerMayWrite, projectOf, respond, type SwiftRequest } from '../request.js';
import { accountHeaders } from '../views.js';

/** GET account: the container listing (204 when empty and plain) with the account headers. */
export async function getAccount(r: SwiftRequest): Promise<Response> {
  const fmt = negotiateFormat(r.target.query.get('format'), r.headers.get('accept'));
  if (!fmt) throw new SwiftError(406);
  const { opts } = parseListing(r.target.query);
  const projectId = projectOf(r);
  const info = await r.deps.objects.headAccount(r.ctx, projectId);
  const listing = await r.deps.objects.listContainers(r.ctx, projectId, opts);
  const h = accountHeaders(info, callerMayWrite(r));
  const body = formatAccountListing(
    fmt.format,
    r.target.account,
    listing.containers.map((c) => ({ name: c.name, count: c.objectCount, bytes: c.bytesUsed, lastModified: c.lastModified })),
  );
  h.set('Content-Type', fmt.contentType);
  return body === undefined ? respond(204, h) : respond(200, h, body);
}

/** HEAD account: counters and metadata, 204. */
export async function headAccount(r: SwiftRequest): Promise<Response> {
  const info = await r.deps.objects.headAccount(r.ctx, projectOf(r));
  const h = accountHeaders(info, callerMayWrite(r));
  h.set('Content-Type', 'text/plain; charset=utf-8');
  return respond(204, h);
}

/** POST account: sets/removes `X-Account-Meta-*` (incl. Temp-URL-Key and Temp-URL-Key-2), 204. */
export async function postAccount(r: SwiftRequest): Promise<Response> {
  const { set, remove } = readMetaHeaders(r.headers, 'Account');
  const problem = checkMetadata(set, 'Account');
  if (problem) throw new SwiftError(400, problem);
  await r.deps.objects.updateAccountMetadata(r.ctx, projectOf(r), { set, remove });
  return respond(204);
}
