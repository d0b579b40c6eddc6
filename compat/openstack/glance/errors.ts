// Glance's error bodies: webob's HTML page by default, JSON `{message, code, title}` when the client accepts JSON.
import type { ErrorRenderer } from '../common/index.js';

/** webob's explanation per status: the first line of every Glance error body. */
const EXPLANATION: Record<number, string> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'The request is larger than the server is willing or able to process.',
  415: 'The request media type is not supported by this server.',
  416: 'The Range requested is not available.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  501: 'The server has either erred or is incapable of performing the requested operation.',
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Glance (webob) error bodies: with `Accept: application/json` a JSON object whose `message` holds the
 * explanation and detail and whose `code` is the status line; otherwise the HTML page. Details that only
 * repeat the explanation are left out.
 */
export const glanceError: ErrorRenderer = (c, e) => {
  const explanation = EXPLANATION[e.status] ?? e.title;
  const detail = e.message && e.message !== explanation && !e.message.startsWith('The request you have made') ? e.message : '';
  const statusLine = `${e.status} ${e.title}`;
  const accept = c.req.header('accept') ?? '';
  if (accept.includes('application/json')) {
    return c.json({ message: detail ? `${explanation}<br /><br />\n${detail}\n\n   ` : explanation, code: statusLine, title: e.title }, e.status);
  }
  if (accept.includes('text/plain')) {
    return c.text(`${statusLine}\n\n${explanation}\n\n${detail}\n\n   `, e.status);
  }
  const body = `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${escapeHtml(explanation)}<br /><br />\n${escapeHtml(detail)}\n\n\n </body>\n</html>`;
  return c.html(body, e.status);
};
