// Nova's network-facing routes: os-interface (ports through Neutron), a server's security groups, the 2.1 security group proxy API, server external events.
import type { Context, Hono } from 'hono';
import type { ExternalEvent, ExternalEventName, InstanceInterface, InterfaceRequest, ProxyRuleRequest, ProxySecurityGroup, ProxySecurityGroupRule } from '../../../core/compute/index.js';
import { errors } from '../../../core/errors.js';
import { isObject, queryFlag, type OpenStackEnv } from '../common/index.js';
import type { NovaRouteDeps } from './app.js';
import { atLeast, type Microversion } from './microversion.js';
import { bad, deviceTag, onlyKeys, str } from './request.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** One `interfaceAttachment` (`tag` from 2.70: the device tag given at attach, or null). */
export function interfaceView(mv: Microversion, i: InstanceInterface) {
  const out: Record<string, unknown> = {
    fixed_ips: i.fixedIps.map((f) => ({ subnet_id: f.subnetId, ip_address: f.ipAddress })),
    mac_addr: i.macAddr,
    net_id: i.networkId,
    port_id: i.portId,
    port_state: i.portState,
  };
  if (atLeast(mv, 70)) out.tag = i.tag ?? null;
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
  const tag = deviceTag(a, 'interfaceAttachment/tag');
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
  return { ...(netId ? { networkId: netId } : {}), ...(portId ? { portId } : {}), ...(fixedIps ? { fixedIps } : {}), ...(tag !== undefined ? { tag } : {}) };
}

/** A proxy rule (`group` for a group rule, else `ip_range`). */
export function securityGroupRuleView(r: ProxySecurityGroupRule) {
  return {
    id: r.id,
    parent_group_id: r.parentGroupId,
    ip_protocol: r.protocol,
    from_port: r.fromPort,
    to_port: r.toPort,
    group: r.group ? { name: r.group.name, tenant_id: r.group.projectId } : {},
    ip_range: !r.group && r.cidr ? { cidr: r.cidr } : {},
  };
}

export function securityGroupView(g: ProxySecurityGroup) {
  return { id: g.id, name: g.name, description: g.description, tenant_id: g.projectId, rules: g.rules.map(securityGroupRuleView) };
}

/** Nova's neutron driver `validate_id`. */
function groupId(id: unknown): string {
  if (typeof id !== 'string' || !UUID.test(id)) throw errors.invalid('Security group id should be uuid', { reason: 'id' });
  return id;
}

/** Nova's `_from_body`. */
function fromBody(body: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!Object.keys(body).length) throw errors.invalid("The request body can't be empty", { reason: 'body' });
  const v = body[key];
  if (v === undefined || v === null) throw errors.invalid(`Missing parameter ${key}`, { reason: 'body' });
  if (!isObject(v)) throw errors.invalid(`Missing parameter ${key}`, { reason: 'body' });
  return v;
}

/** Nova's `validate_property`: a string, 1 to 255 characters once stripped. */
function groupProperty(v: unknown, property: string): string {
  if (typeof v !== 'string') throw errors.invalid(`Security group ${property} is not a string or unicode`, { reason: property });
  const t = v.trim();
  if (t.length < 1) throw errors.invalid(`${property} has a minimum character requirement of 1.`, { reason: property });
  if (t.length > 255) throw errors.invalid(`${property} has more than 255 characters.`, { reason: property });
  return t;
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;

/** Nova's `_rule_args_to_dict` / `_new_ingress_rule`: ports defaulted for group rules, validated by protocol. */
export function parseSecurityGroupRule(body: Record<string, unknown>): ProxyRuleRequest {
  const r = fromBody(body, 'security_group_rule');
  const parentGroupId = groupId(r.parent_group_id);
  const gid = r.group_id === undefined || r.group_id === null ? undefined : groupId(r.group_id);
  const proto = r.ip_protocol === undefined || r.ip_protocol === null || r.ip_protocol === '' ? null : String(r.ip_protocol);
  const upper = proto?.toUpperCase() ?? '';
  let from: unknown = r.from_port ?? null;
  let to: unknown = r.to_port ?? null;
  let cidr: string | undefined;
  if (gid) {
    if (upper === 'ICMP' && from === null && to === null) [from, to] = [-1, -1];
    else if ((upper === 'TCP' || upper === 'UDP') && from === null && to === null) [from, to] = [1, 65535];
  } else {
    cidr = r.cidr === undefined || r.cidr === null || r.cidr === '' ? '0.0.0.0/0' : String(r.cidr);
    if (!CIDR.test(cidr)) throw errors.invalid(`${cidr} is not a valid IP network.`, { reason: 'cidr' });
  }
  if (!proto || from === null || to === null) {
    if (!gid) throw errors.invalid('Not enough parameters to build a valid rule.', { reason: 'rule' });
    return { parentGroupId, protocol: proto, fromPort: null, toPort: null, groupId: gid };
  }
  const fromPort = Number(from);
  const toPort = Number(to);
  if (!Number.isInteger(fromPort) || !Number.isInteger(toPort)) throw errors.invalid(`Invalid input received: ${upper === 'ICMP' ? 'Type and Code must be integers for ICMP protocol type' : 'To and From ports must be integers'}`, { reason: 'ports' });
  if (!['TCP', 'UDP', 'ICMP'].includes(upper)) throw errors.invalid(`Invalid IP protocol ${proto}.`, { reason: 'protocol' });
  const range = (msg: string) => errors.invalid(`Invalid port range ${fromPort}:${toPort}. ${msg}`, { reason: 'ports' });
  if (upper !== 'ICMP' && fromPort > toPort) throw range('Former value cannot be greater than the later');
  if (upper !== 'ICMP' && (fromPort < 1 || toPort > 65535)) throw range(`Valid ${upper} ports should be between 1-65535`);
  if (upper === 'ICMP' && (fromPort < -1 || fromPort > 255 || toPort < -1 || toPort > 255)) throw range('For ICMP, the type:code must be valid');
  return { parentGroupId, protocol: proto.toLowerCase(), fromPort, toPort, ...(gid ? { groupId: gid } : { cidr }) };
}

/** The event names each microversion accepts (Nova's `server_external_events` schemas). */
function eventNames(mv: Microversion): ExternalEventName[] {
  const names: ExternalEventName[] = ['network-changed', 'network-vif-plugged', 'network-vif-unplugged', 'network-vif-deleted'];
  if (atLeast(mv, 51)) names.push('volume-extended');
  if (atLeast(mv, 76)) names.push('power-update');
  if (atLeast(mv, 82)) names.push('accelerator-request-bound');
  if (atLeast(mv, 93)) names.push('volume-reimaged');
  return names;
}

export function parseExternalEvents(body: Record<string, unknown>, mv: Microversion): ExternalEvent[] {
  onlyKeys(body, ['events']);
  const list = body.events;
  if (!Array.isArray(list)) throw bad('events', list ?? null, list === undefined ? "'events' is a required property" : `${JSON.stringify(list)} is not of type 'array'`);
  if (!list.length) throw bad('events', list, '[] is too short');
  const names = eventNames(mv);
  return list.map((e) => {
    if (!isObject(e)) throw bad('events', e, `${JSON.stringify(e)} is not of type 'object'`);
    onlyKeys(e, ['name', 'server_uuid', 'status', 'tag'], 'events');
    const name = str(e, 'name', { required: true })!;
    if (!names.includes(name as ExternalEventName)) throw bad('name', name, `'${name}' is not one of ${JSON.stringify(names)}`);
    const serverId = str(e, 'server_uuid', { required: true })!;
    if (!UUID.test(serverId)) throw bad('server_uuid', serverId, `'${serverId}' is not a 'uuid'`);
    const status = str(e, 'status');
    if (status !== undefined && !['failed', 'completed', 'in-progress'].includes(status)) throw bad('status', status, `'${status}' is not one of ['failed', 'completed', 'in-progress']`);
    const tag = str(e, 'tag', { max: 255 });
    return { name: name as ExternalEventName, serverId, ...(status ? { status: status as ExternalEvent['status'] } : {}), ...(tag !== undefined ? { tag } : {}) };
  });
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

  // A server's groups (every microversion).
  app.get('/v2.1/servers/:server_id/os-security-groups', function listServerSecurityGroups(c) {
    return c.json({ security_groups: compute.listServerSecurityGroups(d.ctx(c), c.req.param('server_id')).map(securityGroupView) });
  });

  // The proxy API: gone from 2.36 (Nova's `MAX_PROXY_API_SUPPORT_VERSION`).
  const proxy = (c: Context) => {
    if (atLeast(d.mv(c), 36)) throw errors.notFound('resource', c.req.path, 'The resource could not be found.');
  };
  app.get('/v2.1/os-security-groups', function listSecurityGroups(c) {
    proxy(c);
    return c.json({ security_groups: compute.listSecurityGroups(d.ctx(c), { allTenants: queryFlag(c, 'all_tenants', true) }).map(securityGroupView) });
  });
  app.post('/v2.1/os-security-groups', async function createSecurityGroup(c) {
    proxy(c);
    const g = fromBody(await d.body(c), 'security_group');
    const input = { name: groupProperty(g.name, 'name'), description: groupProperty(g.description, 'description') };
    return c.json({ security_group: securityGroupView(compute.createSecurityGroup(d.ctx(c), input)) });
  });
  app.get('/v2.1/os-security-groups/:security_group_id', function showSecurityGroup(c) {
    proxy(c);
    return c.json({ security_group: securityGroupView(compute.getSecurityGroup(d.ctx(c), groupId(c.req.param('security_group_id')))) });
  });
  app.put('/v2.1/os-security-groups/:security_group_id', async function updateSecurityGroup(c) {
    proxy(c);
    const id = groupId(c.req.param('security_group_id'));
    const g = fromBody(await d.body(c), 'security_group');
    const input = { name: groupProperty(g.name, 'name'), description: groupProperty(g.description, 'description') };
    return c.json({ security_group: securityGroupView(compute.updateSecurityGroup(d.ctx(c), id, input)) });
  });
  app.delete('/v2.1/os-security-groups/:security_group_id', function deleteSecurityGroup(c) {
    proxy(c);
    compute.deleteSecurityGroup(d.ctx(c), groupId(c.req.param('security_group_id')));
    return c.body(null, 202);
  });
  app.post('/v2.1/os-security-group-rules', async function createSecurityGroupRule(c) {
    proxy(c);
    return c.json({ security_group_rule: securityGroupRuleView(compute.createSecurityGroupRule(d.ctx(c), parseSecurityGroupRule(await d.body(c)))) });
  });
  app.delete('/v2.1/os-security-group-rules/:security_group_rule_id', function deleteSecurityGroupRule(c) {
    proxy(c);
    const id = c.req.param('security_group_rule_id');
    if (!UUID.test(id)) throw errors.invalid('Security group id should be uuid', { reason: 'id' });
    compute.deleteSecurityGroupRule(d.ctx(c), id);
    return c.body(null, 202);
  });

  // Neutron's notifications to Nova (admin): 200 when every event found its server, 207 when some did not, 404 when none did.
  app.post('/v2.1/os-server-external-events', async function runServerExternalEvents(c) {
    const events = parseExternalEvents(await d.body(c), d.mv(c));
    const { results, accepted } = compute.serverExternalEvents(d.ctx(c), events);
    if (!accepted) throw errors.notFound('instance', events[0]!.serverId, 'No instances found for any event');
    const out = results.map((r) => ({ name: r.name, server_uuid: r.serverId, status: r.status, ...(r.tag !== undefined ? { tag: r.tag } : {}), code: r.code }));
    return c.json({ events: out }, results.every((r) => r.code === 200) ? 200 : 207);
  });
}
