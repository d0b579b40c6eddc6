// Nova's metadata API for guests (what cloud-init reads at 169.254.169.254), served under a gateway prefix and reached through a signing metadata proxy.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { ComputeService, GuestMetadata } from '../../../core/compute/index.js';
import type { Logger } from '../../../core/logger.js';
import type { OperationRow } from '../../../core/operations.js';

/** Where the metadata app is mounted on the gateway (a guest's proxy forwards `http://169.254.169.254/<path>` to `<publicUrl>/metadata/<path>`). */
export const METADATA_PREFIX = '/metadata';

/** nova/api/metadata/base.py: the EC2-style and OpenStack versions a guest may ask for (plus `latest`). */
const EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04'];
const OPENSTACK_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27', '2020-10-14'];
/** Nova's `dhcp_domain`: the guest's hostname is `<hostname>.novalocal`. */
const DHCP_DOMAIN = 'novalocal';

const row = (operation: string, path: string, note?: string): OperationRow => ({ service: 'nova-metadata', operation, method: 'GET', path, implemented: true, ...(note ? { note } : {}) });

/** The metadata routes (relative to METADATA_PREFIX), for the compat matrix. One catch-all route serves them all. */
export const metadataOperations: OperationRow[] = [
  row('listEc2Versions', '/', 'no guest needed'),
  row('listOpenStackVersions', '/openstack', 'no guest needed'),
  row('listOpenStackFiles', '/openstack/{version}', 'every request below names its guest with a signed X-Instance-ID, or a signed X-Metadata-Provider plus X-Forwarded-For (docs/metadata.md)'),
  row('showMetaData', '/openstack/{version}/meta_data.json', 'uuid, name, hostname, public_keys, keys, launch_index, availability_zone, project_id, meta, random_seed, devices (the tagged ports)'),
  row('showUserData', '/openstack/{version}/user_data'),
  row('showNetworkData', '/openstack/{version}/network_data.json', 'links, static networks with the default route, DNS'),
  row('showVendorData', '/openstack/{version}/vendor_data.json', 'empty'),
  row('showVendorData2', '/openstack/{version}/vendor_data2.json', 'empty'),
  row('listEc2MetaData', '/{version}/meta-data/', 'ami-id, instance-id, hostname, local-ipv4, placement/, public-keys/, security-groups, …'),
  row('showEc2MetaDataItem', '/{version}/meta-data/{path}', 'public-keys/0/openssh-key, public-ipv4 (the floating IP of the guest\'s port)'),
  row('showEc2UserData', '/{version}/user-data'),
];

export interface MetadataDeps {
  compute: ComputeService;
  logger: Logger;
  /** Nova's `metadata_proxy_shared_secret`: the proxy signs `X-Instance-ID` (or `X-Metadata-Provider`) with HMAC-SHA256 of it. */
  sharedSecret: string;
  /** Nova's `use_forwarded_for`: believe an unsigned `X-Forwarded-For` (only behind a proxy that sets it). Default false. */
  trustForwardedFor?: boolean;
}

/** The proxy's signature of `value` (hex HMAC-SHA256 with the shared secret), as neutron-metadata-agent computes it. */
export const signMetadataValue = (secret: string, value: string): string => createHmac('sha256', secret).update(value).digest('hex');

class MetadataError extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

function signedBy(secret: string, value: string, signature: string): boolean {
  const want = Buffer.from(signMetadataValue(secret, value));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

const netmask = (cidr: string, version: 4 | 6): string => {
  const bits = Number(cidr.split('/')[1] ?? (version === 4 ? 32 : 128));
  if (version === 4) return [0, 1, 2, 3].map((i) => 256 - 2 ** (8 - Math.max(0, Math.min(8, bits - i * 8)))).map((o) => (o === 256 ? 0 : o)).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    const b = Math.max(0, Math.min(16, bits - i * 16));
    groups.push((b === 0 ? 0 : (0xffff << (16 - b)) & 0xffff).toString(16));
  }
  return groups.join(':');
};

/** Nova's `InstanceMetadata._metadata_as_json` (meta shown even when empty). */
function metaData(m: GuestMetadata): Record<string, unknown> {
  const i = m.instance;
  return {
    uuid: i.id,
    meta: i.metadata,
    public_keys: Object.fromEntries(m.keys.map((k) => [k.name, k.data])),
    keys: m.keys.map((k) => ({ name: k.name, type: k.type, data: k.data })),
    hostname: `${i.hostname}.${DHCP_DOMAIN}`,
    name: i.name,
    launch_index: i.launchIndex,
    availability_zone: i.availabilityZone,
    random_seed: randomBytes(512).toString('base64'),
    project_id: i.projectId,
    devices: devices(m),
  };
}

/**
 * Nova's `_handle_device_metadata`: one entry per tagged device, here the tagged ports (`nic`), in
 * Nova's key order. The simulated hypervisor puts the guest's n-th port in PCI slot 3 + n, as libvirt
 * numbers a guest's first NICs.
 */
function devices(m: GuestMetadata): unknown[] {
  return m.ports.flatMap((p, n) => {
    const tag = m.interfaceTags[p.portId];
    return tag === undefined ? [] : [{ type: 'nic', mac: p.mac, bus: 'pci', address: `0000:00:${(3 + n).toString(16).padStart(2, '0')}.0`, tags: [tag] }];
  });
}

/** nova/virt/netutils.py `get_network_metadata`: links, networks (static addresses with the default route), DNS services. */
function networkData(m: GuestMetadata): Record<string, unknown> {
  const links: unknown[] = [];
  const networks: unknown[] = [];
  const dns = new Set<string>();
  for (const p of m.ports) {
    const link = `tap${p.portId.slice(0, 11)}`;
    links.push({ id: link, vif_id: p.portId, type: 'ovs', mtu: p.mtu, ethernet_mac_address: p.mac });
    for (const a of p.addresses) {
      for (const d of a.dns) dns.add(d);
      const any = a.version === 4 ? '0.0.0.0' : '::';
      networks.push({
        id: `network${networks.length}`,
        type: `ipv${a.version}`,
        link,
        ip_address: a.address,
        netmask: netmask(a.cidr, a.version),
        routes: a.gateway ? [{ network: any, netmask: any, gateway: a.gateway }] : [],
        network_id: p.networkId,
        services: a.dns.map((address) => ({ type: 'dns', address })),
      });
    }
  }
  return { links, networks, services: [...dns].map((address) => ({ type: 'dns', address })) };
}

/** Nova's `get_ec2_metadata`: a tree whose leaves are strings. */
function ec2Tree(m: GuestMetadata): Record<string, unknown> {
  const i = m.instance;
  const host = `${i.hostname}.${DHCP_DOMAIN}`;
  const fixed4 = m.ports.flatMap((p) => p.addresses).filter((a) => a.version === 4);
  const v4 = fixed4[0]?.address ?? '';
  // Nova's `get_ec2_ip_info`: the first floating IP of the guest's fixed IPv4 addresses.
  const public4 = fixed4.flatMap((a) => a.floatingIps)[0] ?? '';
  const tree: Record<string, unknown> = {
    'ami-id': m.imageEc2Id ?? '',
    'ami-launch-index': String(i.launchIndex),
    'ami-manifest-path': 'FIXME',
    'block-device-mapping': { ami: 'vda', root: '/dev/vda' },
    hostname: host,
    'instance-action': 'none',
    'instance-id': i.ec2Id,
    'instance-type': i.flavor.name,
    'local-hostname': host,
    'local-ipv4': v4,
    placement: { 'availability-zone': i.availabilityZone ?? '' },
    'public-hostname': host,
    'public-ipv4': public4,
    'reservation-id': i.reservationId,
    'security-groups': i.securityGroups.join('\n'),
  };
  if (m.keys.length) tree['public-keys'] = Object.fromEntries(m.keys.map((k, n) => [String(n), { _name: `${n}=${k.name}`, 'openssh-key': k.data }]));
  return tree;
}

/** Lists a tree node as Nova does: leaves by name, branches with a trailing slash, `public-keys` as `N=name`. */
function listing(node: Record<string, unknown>): string {
  return Object.entries(node)
    .filter(([k]) => k !== '_name')
    .map(([k, v]) => (typeof v === 'string' ? k : v && typeof v === 'object' && '_name' in v ? String((v as Record<string, unknown>)._name) : `${k}/`))
    .join('\n');
}

const userData = (m: GuestMetadata): Buffer | undefined => (m.instance.userData ? Buffer.from(m.instance.userData, 'base64') : undefined);

/** Builds the metadata app (mount with `app.route(METADATA_PREFIX, ...)`). Answers are plain text or JSON, as Nova's. */
export function createMetadataApp(deps: MetadataDeps): Hono {
  const app = new Hono();
  const { compute } = deps;

  /** Which guest asks: a signed instance id (neutron-metadata-agent), a signed provider plus the guest's address, or a trusted X-Forwarded-For. */
  function guest(c: Context): GuestMetadata {
    const h = (n: string) => c.req.header(n)?.trim() || undefined;
    const instanceId = h('x-instance-id');
    const forwarded = h('x-forwarded-for')?.split(',')[0]?.trim();
    if (instanceId !== undefined || h('x-instance-id-signature') !== undefined) {
      if (!instanceId) throw new MetadataError(400, 'X-Instance-ID header is missing from request.');
      const signature = h('x-instance-id-signature');
      if (!signature) throw new MetadataError(400, 'X-Instance-ID-Signature header is missing from request.');
      const tenant = h('x-tenant-id');
      if (!tenant) throw new MetadataError(400, 'X-Tenant-ID header is missing from request.');
      if (!signedBy(deps.sharedSecret, instanceId, signature)) {
        deps.logger.warn({ instance: instanceId, forwarded }, 'metadata: X-Instance-ID-Signature does not match');
        throw new MetadataError(403, 'Invalid proxy request signature.');
      }
      const m = compute.guestMetadata(instanceId);
      // Nova answers a tenant mismatch as an unknown instance.
      if (!m || m.instance.projectId !== tenant) throw new MetadataError(404, 'The resource could not be found.');
      return m;
    }
    const provider = h('x-metadata-provider');
    if (provider !== undefined) {
      const signature = h('x-metadata-provider-signature');
      if (!signature) throw new MetadataError(400, 'X-Metadata-Provider-Signature header is missing from request.');
      if (!signedBy(deps.sharedSecret, provider, signature)) throw new MetadataError(403, 'Invalid proxy request signature.');
      if (!forwarded) throw new MetadataError(400, 'X-Forwarded-For header is missing from request.');
      const m = compute.guestMetadataAt(forwarded, provider) ?? compute.guestMetadataAt(forwarded);
      if (!m) throw new MetadataError(404, 'The resource could not be found.');
      return m;
    }
    if (deps.trustForwardedFor && forwarded) {
      const m = compute.guestMetadataAt(forwarded);
      if (!m) throw new MetadataError(404, 'The resource could not be found.');
      return m;
    }
    throw new MetadataError(403, 'Metadata requests must come through the metadata proxy: a signed X-Instance-ID or X-Metadata-Provider is required.');
  }

  const text = (c: Context, body: string) => c.text(body, 200, { 'content-type': 'text/plain; charset=UTF-8' });

  app.get('/*', function metadata(c) {
    const rest = c.req.path.slice(c.req.path.indexOf(METADATA_PREFIX) + METADATA_PREFIX.length);
    const parts = rest.split('/').filter(Boolean);
    if (parts.length === 0) return text(c, [...EC2_VERSIONS, 'latest'].join('\n'));
    if (parts[0] === 'openstack') {
      if (parts.length === 1) return text(c, [...OPENSTACK_VERSIONS, 'latest'].join('\n'));
      const version = parts[1]!;
      if (version !== 'latest' && !OPENSTACK_VERSIONS.includes(version)) throw new MetadataError(404, 'The resource could not be found.');
      const m = guest(c);
      const file = parts.slice(2).join('/');
      switch (file) {
        case '':
          return text(c, ['meta_data.json', 'network_data.json', 'vendor_data.json', 'vendor_data2.json', ...(userData(m) ? ['user_data'] : [])].join('\n'));
        case 'meta_data.json':
          return c.json(metaData(m));
        case 'network_data.json':
          return c.json(networkData(m));
        case 'vendor_data.json':
        case 'vendor_data2.json':
          return c.json({});
        case 'user_data': {
          const ud = userData(m);
          if (!ud) throw new MetadataError(404, 'The resource could not be found.');
          return c.body(new Uint8Array(ud), 200, { 'content-type': 'application/octet-stream' });
        }
        default:
          throw new MetadataError(404, 'The resource could not be found.');
      }
    }
    const version = parts[0]!;
    if (version !== 'latest' && !EC2_VERSIONS.includes(version)) throw new MetadataError(404, 'The resource could not be found.');
    const m = guest(c);
    if (parts.length === 1) return text(c, ['meta-data/', ...(userData(m) ? ['user-data'] : [])].join('\n'));
    if (parts[1] === 'user-data' && parts.length === 2) {
      const ud = userData(m);
      if (!ud) throw new MetadataError(404, 'The resource could not be found.');
      return c.body(new Uint8Array(ud), 200, { 'content-type': 'application/octet-stream' });
    }
    if (parts[1] !== 'meta-data') throw new MetadataError(404, 'The resource could not be found.');
    let node: unknown = ec2Tree(m);
    for (const seg of parts.slice(2)) {
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
      if (node === undefined) throw new MetadataError(404, 'The resource could not be found.');
    }
    return text(c, typeof node === 'string' ? node : listing(node as Record<string, unknown>));
  });
  app.all('/*', (c) => c.text('The method is not allowed for the requested URL.', 405));

  app.onError((err, c) => {
    if (err instanceof MetadataError) return c.text(err.message, err.status);
    deps.logger.error({ err: { message: err.message, stack: err.stack } }, 'metadata: unexpected error');
    return c.text('An unknown error has occurred. Please try your request again.', 500);
  });
  return app;
}
