// IP address and CIDR arithmetic for IPAM (IPv4 and IPv6 as bigints), MAC parsing and EUI-64 addresses.

/** A parsed address: its version and value. */
export interface Addr {
  version: 4 | 6;
  value: bigint;
}

/** A parsed CIDR: network address (host bits zero), prefix length, version. */
export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefixLen: number;
}

const bits = (v: 4 | 6) => (v === 4 ? 32 : 128);

/** Parses a dotted-quad IPv4 address; undefined when it is not one. */
function parse4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255 || (p.length > 1 && p.startsWith('0'))) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

/** Parses an IPv6 address (with `::` and an embedded dotted quad); undefined when it is not one. */
function parse6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length < 2) return undefined;
  let text = s;
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    const v4 = parse4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${((v4 >> 16n) & 0xffffn).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (g: string) => (g === '' ? [] : g.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  for (const g of [...head, ...rest]) if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1 && total !== 8) return undefined;
  if (halves.length === 2 && total > 7) return undefined;
  const groups = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(8 - total).fill(0n), ...rest.map((g) => BigInt(`0x${g}`))];
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return v;
}

/** Parses an IPv4 or IPv6 address; undefined when `s` is neither. */
export function parseAddr(s: string): Addr | undefined {
  if (typeof s !== 'string') return undefined;
  if (s.includes(':')) {
    const v = parse6(s);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parse4(s);
  return v === undefined ? undefined : { version: 4, value: v };
}

/** Canonical text of an address (RFC 5952 for IPv6: lower case, longest zero run as `::`). */
export function formatAddr(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The canonical text of `s`, or undefined when it is not an address. */
export function canonicalAddr(s: string): string | undefined {
  const a = parseAddr(s);
  return a && formatAddr(a.version, a.value);
}

/** Parses `a.b.c.d/n` or `x::/n`. `strict` refuses host bits set (Neutron normalises them away otherwise). */
export function parseCidr(s: string, strict = false): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  const addr = parseAddr(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return undefined;
  const max = bits(addr.version);
  let len = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    len = Number(p);
    if (len > max) return undefined;
  }
  const mask = prefixMask(addr.version, len);
  const network = addr.value & mask;
  if (strict && network !== addr.value) return undefined;
  return { version: addr.version, network, prefixLen: len };
}

/** The netmask of a prefix length as a bigint. */
export function prefixMask(version: 4 | 6, len: number): bigint {
  const max = bits(version);
  return len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(max - len);
}

/** The last address of a CIDR. */
export function lastAddr(c: Cidr): bigint {
  return c.network | ((1n << BigInt(bits(c.version) - c.prefixLen)) - 1n);
}

/** Canonical text of a CIDR. */
export function formatCidr(c: Cidr): string {
  return `${formatAddr(c.version, c.network)}/${c.prefixLen}`;
}

/** True when `value` lies inside `c`. */
export function cidrContains(c: Cidr, version: 4 | 6, value: bigint): boolean {
  return version === c.version && value >= c.network && value <= lastAddr(c);
}

/** True when two CIDRs share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.network <= lastAddr(b) && b.network <= lastAddr(a);
}

/** Number of addresses in a CIDR. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(bits(c.version) - c.prefixLen);
}

/**
 * The default allocation pool of a subnet as Neutron computes it: the whole CIDR minus the network
 * address (and, for IPv4, the broadcast address) and the gateway.
 */
export function defaultPools(c: Cidr, gateway: bigint | null): Array<{ start: bigint; end: bigint }> {
  const first = c.network + (c.version === 4 && c.prefixLen >= 31 ? 0n : 1n);
  const last = lastAddr(c) - (c.version === 4 && c.prefixLen < 31 ? 1n : 0n);
  if (first > last) return [];
  if (gateway === null || gateway < first || gateway > last) return [{ start: first, end: last }];
  const out: Array<{ start: bigint; end: bigint }> = [];
  if (gateway > first) out.push({ start: first, end: gateway - 1n });
  if (gateway < last) out.push({ start: gateway + 1n, end: last });
  return out;
}

/** Parses a MAC (`aa:bb:cc:dd:ee:ff`, `-` separators too); returns the canonical lower-case form. */
export function canonicalMac(s: string): string | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})$/.exec(s);
  return m ? m.slice(1).join(':').toLowerCase() : undefined;
}

/** True for a MAC Neutron refuses on a port: broadcast, multicast or all zeros. */
export function isUnusableMac(mac: string): boolean {
  const first = parseInt(mac.slice(0, 2), 16);
  return mac === '00:00:00:00:00:00' || (first & 1) === 1;
}

/** The EUI-64 (SLAAC) address of `mac` in an IPv6 /64 prefix. */
export function eui64(prefix: Cidr, mac: string): bigint {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  b[0] = b[0]! ^ 0x02;
  const iid = [b[0], b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]].reduce((acc, x) => (acc << 8n) | BigInt(x!), 0n);
  return prefix.network | iid;
}
