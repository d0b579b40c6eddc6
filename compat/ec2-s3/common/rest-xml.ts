// The rest-xml protocol driven by the published AWS model: typed output → headers + XML, wire request → typed input.
import { Builder, Parser } from 'xml2js';

/** A shape or member of the trimmed model (see scripts/gen-aws-shapes.ts). */
export interface Shape {
  shape?: string;
  type?: string;
  members?: Record<string, Shape>;
  member?: Shape;
  key?: Shape;
  value?: Shape;
  required?: string[];
  location?: 'header' | 'headers' | 'querystring' | 'uri' | 'statusCode';
  locationName?: string;
  flattened?: boolean;
  xmlAttribute?: boolean;
  xmlNamespace?: { uri: string; prefix?: string };
  payload?: string;
  streaming?: boolean;
  timestampFormat?: string;
}

/** One operation of the trimmed model. */
export interface OperationModel {
  method: string;
  requestUri: string;
  implemented: boolean;
  responseCode?: number;
  checksumRequired?: boolean;
  input?: string;
  output?: string;
  outputRoot?: string;
  errors?: string[];
}

/** The trimmed model document committed under `generated/`. */
export interface ShapeDocument {
  metadata: { apiVersion: string; protocol: string; xmlNamespace: string };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

/** A serialized response: status, headers and an XML string, a stream, or nothing. */
export interface SerializedResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | ReadableStream<Uint8Array> | Uint8Array;
}

/** What the parser needs from a wire request; the body is the already-read XML payload, if any. */
export interface WireInput {
  headers: Headers;
  query: URLSearchParams;
  uri: Record<string, string | undefined>;
  body?: string;
}

/** A request that does not fit the model (bad XML, bad integer…); `code` is the S3/EC2 error code to answer with. */
export class ProtocolError extends Error {
  constructor(
    readonly code: 'MalformedXML' | 'InvalidArgument' | 'InvalidRequest',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Characters XML 1.0 cannot carry, even as references, and UTF-16 surrogates without their partner. */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const HAS_INVALID_XML = new RegExp(INVALID_XML.source);

/**
 * Replaces what XML 1.0 cannot carry with U+FFFD, so a document always builds and every XML 1.0 parser
 * reads it. AWS writes such characters as references (`&#x1;`) that strict parsers (ElementTree, libxml2,
 * xml2js) refuse; a client that needs the exact key asks for `encoding-type=url`, which never reaches here.
 */
function xmlSafe(tree: unknown): unknown {
  if (typeof tree === 'string') return HAS_INVALID_XML.test(tree) ? tree.replace(INVALID_XML, '\ufffd') : tree;
  if (Array.isArray(tree)) return tree.map(xmlSafe);
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = xmlSafe(v);
    return out;
  }
  return tree;
}

/** ISO 8601 with milliseconds, as S3 writes timestamps in XML bodies. */
export function isoTimestamp(d: Date): string {
  return d.toISOString();
}

/** RFC 7231 HTTP date, as S3 writes timestamps in headers. */
export function httpDate(d: Date): string {
  // Formatting a date is a tenth of a small GET's serializing: the same object read again gives the same instant.
  const t = d.getTime();
  if (t !== lastDate.t) lastDate = { t, s: d.toUTCString() };
  return lastDate.s;
}
let lastDate = { t: Number.NaN, s: '' };

const builder = new Builder({ renderOpts: { pretty: false }, xmldec: { version: '1.0', encoding: 'UTF-8' } });

/**
 * Renders a plain object tree (xml2js builder conventions: `$` attributes, `_` text, arrays repeat) as an XML
 * document. Every text and attribute value passes through xmlSafe first: this is the one place S3 and EC2
 * XML is written, so no echoed key, bucket or ETag can make rendering throw.
 */
export function buildXml(root: string, tree: unknown): string {
  return builder.buildObject({ [root]: xmlSafe(tree) });
}

/** How one operation's input binds to the wire, resolved from the model once (the model never changes). */
interface InputPlan {
  /** Header members by lower-case wire name. */
  headers: Map<string, { name: string; m: Shape; wireName: string }>;
  /** `x-amz-meta-`-style maps: lower-case prefix → member name. */
  prefixes: Array<{ prefix: string; name: string }>;
  /** Members bound from the uri labels or the query string. */
  others: Array<{ name: string; m: Shape; wireName: string; location: 'uri' | 'querystring' }>;
  shape: Shape;
}

/** Serializes and parses one service's rest-xml operations by walking its shapes. */
export class RestXml {
  private readonly inputPlans = new Map<string, InputPlan>();
  private readonly outputMembers = new Map<string, { shape: Shape; members: Array<{ name: string; m0: Shape; m: Shape }> }>();

  constructor(readonly doc: ShapeDocument) {}

  /** An output shape with its members resolved, once per shape. */
  private outputShape(outputShape: string): { shape: Shape; members: Array<{ name: string; m0: Shape; m: Shape }> } {
    let out = this.outputMembers.get(outputShape);
    if (!out) {
      const shape = this.resolve({ shape: outputShape });
      out = { shape, members: Object.entries(shape.members ?? {}).map(([name, m0]) => ({ name, m0, m: this.resolve(m0) })) };
      this.outputMembers.set(outputShape, out);
    }
    return out;
  }

  private inputPlan(inputShape: string): InputPlan {
    let plan = this.inputPlans.get(inputShape);
    if (plan) return plan;
    const shape = this.resolve({ shape: inputShape });
    plan = { headers: new Map(), prefixes: [], others: [], shape };
    for (const [name, m0] of Object.entries(shape.members ?? {})) {
      const m = this.resolve(m0);
      const wireName = m.locationName ?? name;
      if (m.location === 'header') plan.headers.set(wireName.toLowerCase(), { name, m, wireName });
      else if (m.location === 'headers') plan.prefixes.push({ prefix: wireName.toLowerCase(), name });
      else if (m.location === 'uri' || m.location === 'querystring') plan.others.push({ name, m, wireName, location: m.location });
    }
    this.inputPlans.set(inputShape, plan);
    return plan;
  }

  /** The named shape, or the inline one. */
  resolve(s: Shape): Shape {
    if (!s.shape) return s;
    const named = this.doc.shapes[s.shape];
    if (!named) throw new Error(`unknown shape ${s.shape}`);
    // Member-level traits (location, locationName, flattened) win over the target shape's own.
    return { ...named, ...s, shape: undefined, type: named.type, members: named.members, member: named.member };
  }

  operation(name: string): OperationModel {
    const op = this.doc.operations[name];
    if (!op) throw new Error(`unknown operation ${name}`);
    return op;
  }

  /** Turns a handler's typed output into status, headers and body, using the operation's output shape. */
  serialize(opName: string, output: Record<string, unknown> = {}): SerializedResponse {
    const op = this.operation(opName);
    const res: SerializedResponse = { status: op.responseCode ?? 200, headers: {} };
    if (!op.output) return res;
    const { shape, members } = this.outputShape(op.output);
    const bodyMembers: Record<string, Shape> = {};
    for (const { name, m0, m } of members) {
      const v = output[name];
      if (m.location === 'header') {
        if (v !== undefined && v !== null) res.headers[(m.locationName ?? name).toLowerCase()] = this.headerValue(m, v);
      } else if (m.location === 'headers') {
        for (const [k, hv] of Object.entries((v as Record<string, string> | undefined) ?? {})) {
          res.headers[`${m.locationName ?? ''}${k}`.toLowerCase()] = String(hv);
        }
      } else if (m.location === 'statusCode') {
        if (typeof v === 'number') res.status = v;
      } else if (!m.location) {
        bodyMembers[name] = m0;
      }
    }
    if (shape.payload) {
      const m = this.resolve(shape.members![shape.payload]!);
      const v = output[shape.payload];
      if (v === undefined || v === null) return res;
      if (m.type === 'blob' || m.type === 'string' || m.type === undefined || m.streaming) {
        res.body = v as SerializedResponse['body'];
        return res;
      }
      const root = m.locationName ?? shape.payload;
      res.body = buildXml(root, this.withNamespace(this.toXmlValue(m, v), m));
      res.headers['content-type'] = 'application/xml';
      return res;
    }
    if (!Object.keys(bodyMembers).length || !op.outputRoot) return res;
    const root = op.outputRoot;
    const names = Object.keys(bodyMembers);
    let tree: unknown;
    if (names.length === 1 && names[0] === root && !this.resolve(bodyMembers[root]!).members) {
      // A document whose root carries the value itself, e.g. <LocationConstraint>region</LocationConstraint>.
      const v = output[root];
      tree = { $: { xmlns: this.doc.metadata.xmlNamespace }, ...(v !== undefined && v !== null && v !== '' ? { _: this.scalar(this.resolve(bodyMembers[root]!), v) } : {}) };
    } else {
      tree = this.withNamespace(this.structure({ type: 'structure', members: bodyMembers }, output), undefined);
    }
    res.body = buildXml(root, tree);
    res.headers['content-type'] = 'application/xml';
    return res;
  }

  private withNamespace(tree: unknown, m: Shape | undefined): unknown {
    const ns = m?.xmlNamespace?.uri ?? this.doc.metadata.xmlNamespace;
    if (typeof tree !== 'object' || tree === null) return { $: { xmlns: ns }, _: tree };
    const t = tree as Record<string, unknown>;
    return { $: { xmlns: ns, ...((t.$ as object | undefined) ?? {}) }, ...t };
  }

  private headerValue(m: Shape, v: unknown): string {
    if (m.type === 'timestamp') return httpDate(v instanceof Date ? v : new Date(v as string | number));
    if (m.type === 'list') return (v as unknown[]).map(String).join(',');
    return String(v);
  }

  private scalar(m: Shape, v: unknown): string {
    if (m.type === 'timestamp') return isoTimestamp(v instanceof Date ? v : new Date(v as string | number));
    if (m.type === 'boolean') return v ? 'true' : 'false';
    return String(v);
  }

  /** The xml2js tree for a value of shape `s0` (without the element name, which the caller owns). */
  private toXmlValue(s0: Shape, v: unknown): unknown {
    const s = this.resolve(s0);
    if (s.type === 'structure') return this.structure(s, v as Record<string, unknown>);
    if (s.type === 'list') {
      const item = this.resolve(s.member ?? {});
      const itemName = item.locationName ?? 'member';
      return { [itemName]: (v as unknown[]).map((e) => this.toXmlValue(s.member ?? {}, e)) };
    }
    if (s.type === 'map') {
      return { entry: Object.entries(v as Record<string, unknown>).map(([k, e]) => ({ key: k, value: this.toXmlValue(s.value ?? {}, e) })) };
    }
    return this.scalar(s, v);
  }

  private structure(s: Shape, v: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const attrs: Record<string, string> = {};
    if (s.xmlNamespace?.prefix) attrs[`xmlns:${s.xmlNamespace.prefix}`] = s.xmlNamespace.uri;
    for (const [name, m0] of Object.entries(s.members ?? {})) {
      const m = this.resolve(m0);
      const val = v[name];
      if (val === undefined || val === null || m.location) continue;
      const el = m.locationName ?? name;
      if (m.xmlAttribute) {
        attrs[el] = this.scalar(m, val);
      } else if (m.type === 'list' && m.flattened) {
        out[el] = (val as unknown[]).map((e) => this.toXmlValue(m.member ?? {}, e));
      } else {
        out[el] = this.toXmlValue(m0, val);
      }
    }
    if (Object.keys(attrs).length) out.$ = attrs;
    return out;
  }

  /**
   * Binds a wire request to the operation's input shape: uri labels, headers, `x-amz-meta-` maps, query
   * parameters and an XML payload. A streaming payload member is left for the handler.
   */
  async parse(opName: string, wire: WireInput): Promise<Record<string, unknown>> {
    const op = this.operation(opName);
    if (!op.input) return {};
    const plan = this.inputPlan(op.input);
    const shape = plan.shape;
    const input: Record<string, unknown> = {};
    for (const { name, m, wireName, location } of plan.others) {
      const raw = location === 'uri' ? wire.uri[wireName] : wire.query.get(wireName);
      if (raw === undefined || raw === null) continue;
      input[name] = this.wireScalar(m, raw, wireName, false);
    }
    // One pass over the request's few headers rather than a lookup per modelled header (PutObject has ~40).
    wire.headers.forEach((hv, hk) => {
      const h = plan.headers.get(hk);
      if (h) input[h.name] = this.wireScalar(h.m, hv, h.wireName, true);
      for (const { prefix, name } of plan.prefixes) {
        if (!hk.startsWith(prefix)) continue;
        const map = (input[name] ??= {}) as Record<string, string>;
        map[hk.slice(prefix.length)] = hv;
      }
    });
    if (shape.payload && wire.body !== undefined) {
      const m = this.resolve(shape.members![shape.payload]!);
      // An absent payload is the handler's call (optional for CreateBucket, MalformedXML for Complete).
      // A string payload (PutBucketPolicy's JSON document) is the body itself.
      if ((m.type === undefined || m.type === 'string') && !m.streaming) input[shape.payload] = wire.body;
      if (m.type === 'structure' && wire.body.trim()) {
        const rootName = m.locationName ?? shape.payload;
        const tree = await parseXml(wire.body);
        const [gotRoot, content] = Object.entries(tree)[0] ?? [];
        if (gotRoot !== rootName) throw new ProtocolError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
        input[shape.payload] = this.fromXml(m, content);
      }
    }
    return input;
  }

  private wireScalar(m: Shape, raw: string, wireName: string, header: boolean): unknown {
    switch (m.type) {
      case 'integer':
      case 'long': {
        if (!/^-?\d+$/.test(raw.trim())) throw new ProtocolError('InvalidArgument', `Invalid value for ${wireName}: ${raw}`);
        return Number(raw.trim());
      }
      case 'boolean':
        return raw.trim().toLowerCase() === 'true';
      case 'timestamp': {
        const d = new Date(/^\d+$/.test(raw) ? Number(raw) * 1000 : raw);
        return Number.isNaN(d.getTime()) ? undefined : d;
      }
      case 'list':
        return header ? raw.split(',').map((x) => x.trim()).filter(Boolean) : [raw];
      default:
        return raw;
    }
  }

  /** Converts an xml2js node (explicitArray mode) to a typed value of shape `s0`. */
  private fromXml(s0: Shape, node: unknown): unknown {
    const s = this.resolve(s0);
    if (s.type === 'structure') {
      if (typeof node !== 'object' || node === null) {
        if (node === '' || node === undefined) return {};
        throw new ProtocolError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
      }
      const n = node as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, m0] of Object.entries(s.members ?? {})) {
        const m = this.resolve(m0);
        const el = m.locationName ?? name;
        if (m.xmlAttribute) {
          const attrs = (n.$ as Record<string, string> | undefined) ?? {};
          const local = el.includes(':') ? el.split(':')[1]! : el;
          const hit = Object.entries(attrs).find(([k]) => k === el || k.split(':').pop() === local);
          if (hit) out[name] = hit[1];
          continue;
        }
        const children = n[el] as unknown[] | undefined;
        if (!children) continue;
        if (m.type === 'list' && m.flattened) {
          out[name] = children.map((c) => this.fromXml(m.member ?? {}, c));
        } else {
          out[name] = this.fromXml(m0, children[0]);
        }
      }
      return out;
    }
    if (s.type === 'list') {
      if (typeof node !== 'object' || node === null) return [];
      const item = this.resolve(s.member ?? {});
      const children = ((node as Record<string, unknown>)[item.locationName ?? 'member'] as unknown[] | undefined) ?? [];
      return children.map((c) => this.fromXml(s.member ?? {}, c));
    }
    const text = typeof node === 'string' ? node : typeof node === 'object' && node !== null ? String((node as Record<string, unknown>)._ ?? '') : '';
    switch (s.type) {
      case 'integer':
      case 'long':
        if (!/^-?\d+$/.test(text.trim())) throw new ProtocolError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
        return Number(text.trim());
      case 'boolean':
        return text.trim() === 'true';
      case 'timestamp':
        return new Date(text.trim());
      default:
        return text;
    }
  }
}

/** Strips a namespace prefix from element names (`s3:Key` → `Key`); attributes keep theirs. */
const stripPrefix = (name: string) => (name.includes(':') ? name.slice(name.indexOf(':') + 1) : name);

/**
 * Parses an XML request body. DTDs are refused outright (no entity expansion of any kind: OSSA-2023-001);
 * every element becomes an array so repeated and single elements look alike.
 */
export async function parseXml(body: string): Promise<Record<string, unknown>> {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new ProtocolError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  const parser = new Parser({ explicitArray: true, explicitRoot: true, tagNameProcessors: [stripPrefix], async: false, strict: true });
  try {
    const r = (await parser.parseStringPromise(body)) as Record<string, unknown> | null;
    if (!r || typeof r !== 'object') throw new Error('empty');
    return r;
  } catch {
    throw new ProtocolError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
}
