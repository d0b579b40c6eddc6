// Parses a raw Swift request target (`/v1/AUTH_{project}/{container}/{object...}?query`) without any normalisation.

/** Swift's name limits (also published by `GET /info` under `swift`). */
export const NAME_LIMITS = {
  maxAccountNameLength: 256,
  maxContainerNameLength: 256,
  maxObjectNameLength: 1024,
} as const;

/** The reseller prefix Keystone-backed Swift accounts carry. */
export const RESELLER_PREFIX = 'AUTH_';

/** What a Swift URL addresses; `object` set implies `container` set. */
export interface SwiftTarget {
  /** `v1` or `v1.0`, as sent. */
  version: string;
  /** The account segment, e.g. `AUTH_0123abcd`. */
  account: string;
  /** The project the account belongs to (account minus the reseller prefix), or undefined for a foreign prefix. */
  projectId?: string;
  container?: string;
  /** Everything after the container's slash, percent-decoded once and otherwise verbatim. */
  object?: string;
  /** The decoded path after the mount prefix (what TempURL signatures cover). */
  path: string;
  /** Query parameters from the raw query string. */
  query: URLSearchParams;
  /** Raw query string (without `?`). */
  rawQuery: string;
}

/** Why a target could not be parsed; `status` is the Swift status to answer with. */
export interface SwiftPathError {
  error: true;
  status: 400 | 404 | 412;
  message: string;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Decodes percent escapes once, as WSGI does for PATH_INFO; undefined when the bytes are not UTF-8. */
export function decodePathOnce(raw: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      // Already-decoded non-ASCII characters (a client that sent raw UTF-8): keep their UTF-8 bytes. A lone
      // surrogate has none (Buffer would write U+FFFD's, aliasing a real U+FFFD name).
      const cp = raw.codePointAt(i) ?? ch;
      if (cp >= 0xd800 && cp <= 0xdfff) return undefined;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Parses `rawPath` (path and query exactly as sent, with the gateway mount prefix already removed).
 * Object names keep `//`, a leading `/`, `..` and `%2e%2e` (decoded once) verbatim.
 */
export function parseSwiftPath(rawPath: string): SwiftTarget | SwiftPathError {
  const q = rawPath.indexOf('?');
  const rawPathPart = q === -1 ? rawPath : rawPath.slice(0, q);
  const rawQuery = q === -1 ? '' : rawPath.slice(q + 1);
  const path = decodePathOnce(rawPathPart);
  if (path === undefined || path.includes('\0')) return { error: true, status: 412, message: 'Invalid UTF8 or contains NULL' };
  const m = /^\/(v1(?:\.0)?)\/([^/]+)(?:\/(.*))?$/s.exec(path);
  if (!m) return { error: true, status: 412, message: 'Bad URL' };
  const version = m[1]!;
  const account = m[2]!;
  const rest = m[3];
  if (byteLength(account) > NAME_LIMITS.maxAccountNameLength) {
    return { error: true, status: 400, message: `Account name length of ${byteLength(account)} longer than ${NAME_LIMITS.maxAccountNameLength}` };
  }
  const projectId = account.startsWith(RESELLER_PREFIX) && account.length > RESELLER_PREFIX.length ? account.slice(RESELLER_PREFIX.length) : undefined;
  const badParam = invalidQueryParam(rawQuery);
  if (badParam !== undefined) return { error: true, status: 400, message: `"${badParam}" parameter not valid UTF-8` };
  const target: SwiftTarget = { version, account, projectId, path, query: new URLSearchParams(rawQuery), rawQuery };
  if (rest === undefined || rest === '') return target;
  const slash = rest.indexOf('/');
  const container = slash === -1 ? rest : rest.slice(0, slash);
  const object = slash === -1 ? '' : rest.slice(slash + 1);
  if (container === '') return { error: true, status: 412, message: 'Bad URL' };
  const containerError = checkContainerName(container);
  if (containerError) return containerError;
  target.container = container;
  if (object !== '') {
    const objectError = checkObjectName(object);
    if (objectError) return objectError;
    target.object = object;
  }
  return target;
}

/**
 * The first query parameter whose name or value is not UTF-8 once decoded, as Swift's get_param refuses it
 * (URLSearchParams would turn `%ff` into U+FFFD, so `prefix=%ff` would list what `prefix=%EF%BF%BD` lists).
 */
function invalidQueryParam(rawQuery: string): string | undefined {
  if (!rawQuery.includes('%')) return undefined;
  for (const pair of rawQuery.split('&')) {
    const i = pair.indexOf('=');
    const name = i === -1 ? pair : pair.slice(0, i);
    const decodedName = decodePathOnce(name.replace(/\+/g, ' '));
    if (decodedName === undefined) return name;
    if (i !== -1 && decodePathOnce(pair.slice(i + 1).replace(/\+/g, ' ')) === undefined) return decodedName;
  }
  return undefined;
}

/** Swift's container-name rule: 1..256 bytes, no `/`. */
export function checkContainerName(name: string): SwiftPathError | undefined {
  if (name === '' || name.includes('/')) return { error: true, status: 400, message: 'Container name cannot contain slashes' };
  const len = byteLength(name);
  if (len > NAME_LIMITS.maxContainerNameLength) {
    return { error: true, status: 400, message: `Container name length of ${len} longer than ${NAME_LIMITS.maxContainerNameLength}` };
  }
  return undefined;
}

/** Swift's object-name rule: 1..1024 bytes. */
export function checkObjectName(name: string): SwiftPathError | undefined {
  const len = byteLength(name);
  if (len === 0 || len > NAME_LIMITS.maxObjectNameLength) {
    return { error: true, status: 400, message: `Object name length of ${len} longer than ${NAME_LIMITS.maxObjectNameLength}` };
  }
  return undefined;
}

/**
 * Splits a `/container/object` reference (X-Copy-From, Destination, X-Object-Manifest, SLO segment paths),
 * percent-decoding it once as Swift does. The leading slash is optional.
 */
export function splitContainerObject(ref: string, decode = true): { container: string; object: string } | undefined {
  const decoded = decode ? decodePathOnce(ref) : ref;
  if (decoded === undefined) return undefined;
  const s = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = s.indexOf('/');
  if (slash <= 0 || slash === s.length - 1) return undefined;
  const container = s.slice(0, slash);
  const object = s.slice(slash + 1);
  if (checkContainerName(container) || checkObjectName(object)) return undefined;
  return { container, object };
}

/** True when `x` is a parse failure. */
export function isPathError(x: SwiftTarget | SwiftPathError): x is SwiftPathError {
  return 'error' in x;
}
