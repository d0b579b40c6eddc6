// Nova's network-facing server routes: os-interface (ports through Neutron).
import type { Hono } from 'hono';
import type { InstanceInterface, InterfaceRequest } from '../../../core/compute/index.js';
import { isObject, type OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast, type Microversion } from './microversion.js';
import { bad, onlyKeys, str } from './request.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** One `interfaceAttachment` (`tag` from 2.70; skybridge keeps no device tags, so it is null). */
export function interfaceView(mv: Microversion, i: InstanceInterface) {
  const out: Record<string, unknown> = {
    fixed_ips: i.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    mac_addr: i.macAddr,
    net_id: i.networkId,
    port_id: i.portId,
    port_state: i.portState,
  };
  if (atLeast(mv, 70)) out.tag = null;
  return out;
}

/** Nova's `attach_interfaces.create` schema: optional body, uuids, at most one fixed IP, `tag` from 2.49. */
export function parseInterfaceAttachment(body: Record<string, unknown>, mv: Microversion): InterfaceRequest {
  onlyKeys(body, ['interfaceAttachment']);
  const a = body.interfaceAttachment;
  if (a === undefined) return {};
  if (!isObject(a)) throw bad('interfaceAttachment', a, `${JSON.stringify(a)} is not of type 'object'`);
  onlyKeys(a, atLeast(mv, 49) ? ['net_id', 'port_id', 'fixed_ips', 'tag'] : ['net_id', 'port_id', 'fixed_ips'], 'interfaceAttachment');
  const netId = str(a, 'net_id');
  const portId = str(a, 'port_id');
  if (netId !== undefined && !UUID.test(netId)) throw bad('interfaceAttachment/net_id', netId, `'${netId}' is not a 'uuid'`);
  if (portId !== undefined && !UUID.test(portId)) throw bad('interfaceAttachment/port_id', portId, `'${portId}' is not a 'uuid'`);
  let fixedIps: string[] | undefined;
  if (a.fixed_ips !== undefined) {
    const f = a.fixed_ips;
    if (!Array.isArray(f)) throw bad('interfaceAttachment/fixed_ips', f, `${JSON.stringify(f)} is not of type 'array'`);
    if (f.length > 1) throw bad('interfaceAttachment/fixed_ips', f, `${JSON.stringify(f)} is too long`);
    fixedIps = f.map((x) => {
      if (!isObject(x)) throw bad('interfaceAttachment/fixed_ips/0', x, `${JSON.stringify(x)} is not of type 'object'`);
      onlyKeys(x, ['ip_address'], 'interfaceAttachment/fixed_ips/0');
      const ip = str(x, 'ip_address', { required: true })!;
      if (!/^[\d.]+$/.test(ip) && !ip.includes(':')) throw bad('interfaceAttachment/fixed_ips/0/ip_address', ip, `'${ip}' is not a 'ipv4'`);
      return ip;
    });
  }
  return { ...(netId ? { networkId: netId } : {}), ...(portId ? { portId } : {}), ...(fixedIps ? { fixedIps } : {}) };
}

export function registerNetworkRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;

  app.get('/v2.1/servers/:server_id/os-interface', function listPortInterfaces(c) {
    const mv = d.mv(c);
    return c.json({ interfaceAttachments: compute.listInterfaces(d.ctx(c), c.req.param('server_id')).map((i) => interfaceView(mv, i)) });
  });
  app.post('/v2.1/servers/:server_id/os-interface', async function createInterface(c) {
    const mv = d.mv(c);
    const req = parseInterfaceAttachment(await d.body(c), mv);
    return c.json({ interfaceAttachment: interfaceView(mv, compute.attachInterface(d.ctx(c), c.req.param('server_id'), req)) });
  });
  app.get('/v2.1/servers/:server_id/os-interface/:port_id', function showPortInterface(c) {
    return c.json({ interfaceAttachment: interfaceView(d.mv(c), compute.showInterface(d.ctx(c), c.req.param('server_id'), c.req.param('port_id'))) });
  });
  app.delete('/v2.1/servers/:server_id/os-interface/:port_id', function deletePortInterface(c) {
    compute.detachInterface(d.ctx(c), c.req.param('server_id'), c.req.param('port_id'));
    return c.body(null, 202);
  });
}
