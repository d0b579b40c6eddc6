// Swift's staticweb middleware: a container with X-Container-Meta-Web-* serves index pages, HTML listings and error pages to web (anonymous) readers.
import { rawTarget } from '../../../../core/context.js';
import { isCoreError } from '../../../../core/errors.js';
import { SwiftError } from '../errors.js';
import { listingTime } from '../headers.js';
import { isTrue } from '../request-parse.js';
import { containerRef, respond, type SwiftRequest } from '../request.js';
import { getObject, headObject } from './object.js';

/** The settings read from `X-Container-Meta-Web-*` (lower-case names without the prefix). */
type WebSettings = Record<string, string>;

/** Swift staticweb's default listing style (used when no Web-Listings-CSS is set). */
const DEFAULT_CSS = `<style type="text/css">
   h1 {font-size: 1em; font-weight: bold;}
   th {text-align: left; padding: 0px 1em 0px 1em;}
   td {padding: 0px 1em 0px 1em;}
   a {text-decoration: none;}
  </style>`;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const hrefOf = (s: string): string => encodeURIComponent(s).replace(/%2F/g, '/');

/** True when the request is one staticweb serves: a GET/HEAD of a container or object, anonymous or with `X-Web-Mode: true`. */
function isWebRequest(r: SwiftRequest): boolean {
  if (r.method !== 'GET' && r.method !== 'HEAD') return false;
  if (r.tempUrl || r.target.container === undefined) return false;
  return !r.ctx.auth || isTrue(r.headers.get('x-web-mode'));
}

/** The request's raw path (mount prefix included), as the client sent it, without the query. */
const requestPath = (r: SwiftRequest): string => rawTarget(r.c.env, r.c.req.url).split('?')[0]!;

/** A 301 to the same path with a trailing slash, as staticweb redirects directory requests. */
function redirectToDirectory(r: SwiftRequest): Response {
  const h = new Headers({ Location: `${requestPath(r)}/`, 'Content-Type': 'text/html; charset=UTF-8' });
  return respond(301, h, r.method === 'HEAD' ? null : '');
}

/** The object's response, or undefined when it does not exist. */
async function objectOrNothing(r: SwiftRequest, name: string): Promise<Response | undefined> {
  const sub: SwiftRequest = { ...r, target: { ...r.target, object: name } };
  try {
    return await (r.method === 'HEAD' ? headObject(sub) : getObject(sub));
  } catch (e) {
    if ((isCoreError(e, 'NotFound') && e.detail.resource !== 'container') || (e instanceof SwiftError && e.status === 404)) return undefined;
    throw e;
  }
}

/** The error page `<status><Web-Error>` with the given status, or Swift's plain error when there is none. */
async function errorPage(r: SwiftRequest, web: WebSettings, status: number): Promise<Response> {
  const page = web.error ? await objectOrNothing({ ...r, method: r.method === 'HEAD' ? 'HEAD' : 'GET' }, `${status}${web.error}`) : undefined;
  if (!page) throw new SwiftError(status);
  return new Response(page.body, { status, headers: page.headers });
}

/** An HTML listing of `prefix` in staticweb's markup; 404 (error page) when the pseudo-directory is empty. */
async function listing(r: SwiftRequest, web: WebSettings, prefix: string): Promise<Response> {
  const ref = containerRef(r);
  const res = await r.deps.objects.listObjects(r.ctx, ref, { prefix, delimiter: '/', limit: 10000 });
  if (prefix && res.entries.length === 0) return errorPage(r, web, 404);
  const heading = `Listing of /${r.target.version}/${r.target.account}/${ref.container}/${prefix}`;
  const css = web['listings-css'] ? `<link rel="stylesheet" type="text/css" href="${escapeHtml(relativeCss(prefix, web['listings-css']))}" />` : DEFAULT_CSS;
  const rows: string[] = [];
  if (prefix) rows.push('   <tr id="parent" class="item">\n    <td class="colname"><a href="../">../</a></td>\n    <td class="colsize">&nbsp;</td>\n    <td class="coldate">&nbsp;</td>\n   </tr>');
  for (const e of res.entries) {
    if (e.type === 'prefix') {
      const name = e.prefix.slice(prefix.length);
      rows.push(`   <tr class="item subdir">\n    <td class="colname"><a href="${hrefOf(name)}">${escapeHtml(name)}</a></td>\n    <td class="colsize">&nbsp;</td>\n    <td class="coldate">&nbsp;</td>\n   </tr>`);
    } else {
      const name = e.name.slice(prefix.length);
      const types = e.contentType
        .split(';')[0]!
        .split('/')
        .map((t) => `type-${escapeHtml(t.trim())}`)
        .join(' ');
      rows.push(
        `   <tr class="item ${types}">\n    <td class="colname"><a href="${hrefOf(name)}">${escapeHtml(name)}</a></td>\n    <td class="colsize">${e.size}</td>\n    <td class="coldate">${listingTime(e.lastModified).replace('T', ' ').slice(0, 19)}</td>\n   </tr>`,
      );
    }
  }
  const body =
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n' +
    `<html>\n <head>\n  <title>${escapeHtml(heading)}</title>\n  ${css}\n </head>\n <body>\n` +
    `  <h1 id="title">${escapeHtml(heading)}</h1>\n  <table id="listing">\n` +
    '   <tr id="heading">\n    <th class="colname">Name</th>\n    <th class="colsize">Size</th>\n    <th class="coldate">Date</th>\n   </tr>\n' +
    (rows.length ? `${rows.join('\n')}\n` : '') +
    '  </table>\n </body>\n</html>\n';
  const h = new Headers({ 'Content-Type': 'text/html; charset=UTF-8' });
  if (r.method === 'HEAD') {
    h.set('Content-Length', String(Buffer.byteLength(body)));
    return respond(200, h);
  }
  return respond(200, h, body);
}

/** The stylesheet path relative to a listing of `prefix` (staticweb prefixes `../` per directory level). */
function relativeCss(prefix: string, css: string): string {
  if (css.startsWith('/') || /^[a-z]+:\/\//i.test(css)) return css;
  return '../'.repeat(prefix.split('/').length - 1) + css;
}

/** A directory request (`prefix` empty or ending in `/`): its index object, else its listing, else 404. */
async function directory(r: SwiftRequest, web: WebSettings, prefix: string): Promise<Response> {
  if (web.index) {
    const page = await objectOrNothing(r, `${prefix}${web.index}`);
    if (page) return page;
  }
  if (isTrue(web.listings)) return listing(r, web, prefix);
  return errorPage(r, web, 404);
}

/**
 * Serves the request as staticweb would, or answers undefined to leave it to the ordinary handlers: when it is
 * not a web request, or the container has neither Web-Index nor Web-Listings (or the caller may not read it).
 */
export async function staticWeb(r: SwiftRequest): Promise<Response | undefined> {
  if (!isWebRequest(r)) return undefined;
  const web = await r.deps.objects.staticWebSettings(r.ctx, containerRef(r));
  if (!web || (!web.index && !isTrue(web.listings))) return undefined;
  const object = r.target.object;
  if (object === undefined || object === '') {
    if (!requestPath(r).endsWith('/')) return redirectToDirectory(r);
    return directory(r, web, '');
  }
  if (object.endsWith('/')) return directory(r, web, object);
  const found = await objectOrNothing(r, object);
  if (found) return found;
  // A name that is a pseudo-directory (its index exists, or it has entries to list) is redirected to its slash form.
  const dir = `${object}/`;
  if (web.index && (await objectOrNothing({ ...r, method: 'HEAD' }, `${dir}${web.index}`))) return redirectToDirectory(r);
  if (isTrue(web.listings)) {
    const res = await r.deps.objects.listObjects(r.ctx, containerRef(r), { prefix: dir, delimiter: '/', limit: 1 });
    if (res.entries.length) return redirectToDirectory(r);
  }
  return errorPage(r, web, 404);
}
