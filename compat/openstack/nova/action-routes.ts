// Nova's `POST /servers/{id}/action`: the action table, one handler per action body key; the unimplemented ones answer 501.
import type { Context, Hono } from 'hono';
import { errors } from '../../../core/errors.js';
import { isObject, type OpenStackEnv } from '../common/index.js';
import { actionBody, notImplemented, type NovaRouteDeps } from './app.js';
import { atLeast } from './microversion.js';
import { operatorActions } from './migration-routes.js';
import { novaOperations } from './operations.js';
import { bad, int, onlyKeys, str, stringMap } from './request.js';
import { serverDetail } from './views.js';

type ActionHandler = (c: Context<OpenStackEnv>, id: string, arg: unknown) => Response | Promise<Response>;

const obj = (key: string, v: unknown): Record<string, unknown> => {
  if (!isObject(v)) throw bad(key, v ?? null, `${JSON.stringify(v)} is not of type 'object'`);
  return v;
};

/** Nova's `SecurityGroupActionController._parse`. */
function securityGroupName(arg: unknown): string {
  if (!isObject(arg)) throw errors.invalid('Missing parameter dict', { reason: 'security_group' });
  if (!('name' in arg)) throw errors.invalid('Security group not specified', { reason: 'security_group' });
  const name = arg.name;
  if (typeof name !== 'string' || !name.trim()) throw errors.invalid('Security group name cannot be empty', { reason: 'security_group' });
  return name;
}

export function registerActionRoutes(app: Hono<OpenStackEnv>, d: NovaRouteDeps): void {
  const { compute } = d;
  const accepted = (c: Context) => c.body(null, 202);

  const actions: Record<string, ActionHandler> = {
    'os-stop': (c, id) => (compute.stopServer(d.ctx(c), id), accepted(c)),
    'os-start': (c, id) => (compute.startServer(d.ctx(c), id), accepted(c)),
    pause: (c, id) => (compute.pauseServer(d.ctx(c), id), accepted(c)),
    unpause: (c, id) => (compute.unpauseServer(d.ctx(c), id), accepted(c)),
    suspend: (c, id) => (compute.suspendServer(d.ctx(c), id), accepted(c)),
    resume: (c, id) => (compute.resumeServer(d.ctx(c), id), accepted(c)),
    unrescue: (c, id) => (compute.unrescueServer(d.ctx(c), id), accepted(c)),
    confirmResize: (c, id) => (compute.confirmResize(d.ctx(c), id), c.body(null, 204)),
    revertResize: (c, id) => (compute.revertResize(d.ctx(c), id), accepted(c)),
    shelve: (c, id) => (compute.shelveServer(d.ctx(c), id), accepted(c)),
    unshelve: (c, id) => (compute.unshelveServer(d.ctx(c), id), accepted(c)),
    unlock: (c, id) => (compute.unlockServer(d.ctx(c), id), accepted(c)),
    reboot: (c, id, arg) => {
      const a = obj('reboot', arg);
      onlyKeys(a, ['type'], 'reboot');
      const type = String(a.type ?? '').toUpperCase();
      if (type !== 'SOFT' && type !== 'HARD') throw bad('type', a.type ?? null, "is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']");
      compute.rebootServer(d.ctx(c), id, type);
      return accepted(c);
    },
    lock: (c, id, arg) => {
      let reason: string | undefined;
      if (arg !== null && arg !== undefined) {
        const a = obj('lock', arg);
        onlyKeys(a, atLeast(d.mv(c), 73) ? ['locked_reason'] : [], 'lock');
        reason = str(a, 'locked_reason', { max: 255 });
      }
      compute.lockServer(d.ctx(c), id, reason);
      return accepted(c);
    },
    resize: (c, id, arg) => {
      const a = obj('resize', arg);
      onlyKeys(a, ['flavorRef', 'OS-DCF:diskConfig'], 'resize');
      if (a.flavorRef === undefined) throw bad('flavorRef', null, "'flavorRef' is a required property");
      compute.resizeServer(d.ctx(c), id, String(a.flavorRef));
      return accepted(c);
    },
    rebuild: (c, id, arg) => {
      const mv = d.mv(c);
      const a = obj('rebuild', arg);
      const allowed = ['imageRef', 'name', 'adminPass', 'metadata', 'preserve_ephemeral', 'OS-DCF:diskConfig', 'accessIPv4', 'accessIPv6', 'personality'];
      if (atLeast(mv, 19)) allowed.push('description');
      if (atLeast(mv, 54)) allowed.push('key_name');
      if (atLeast(mv, 57)) allowed.push('user_data');
      if (atLeast(mv, 90)) allowed.push('hostname');
      onlyKeys(a, allowed, 'rebuild');
      const imageRef = str(a, 'imageRef', { required: true })!;
      compute.rebuildServer(d.ctx(c), id, { imageRef, name: str(a, 'name', { max: 255 }), metadata: stringMap(a, 'metadata'), ...(a.description !== undefined ? { description: (a.description as string | null) ?? null } : {}) });
      const s = compute.getServer(d.ctx(c), id);
      const view = serverDetail(d.view(c), s);
      return c.json({ server: typeof a.adminPass === 'string' ? { ...view, adminPass: a.adminPass } : view }, 202);
    },
    createImage: (c, id, arg) => {
      const a = obj('createImage', arg);
      onlyKeys(a, ['name', 'metadata'], 'createImage');
      const name = str(a, 'name', { required: true, max: 255, min: 1 })!;
      const imageId = compute.createServerImage(d.ctx(c), id, { name, metadata: stringMap(a, 'metadata') });
      if (atLeast(d.mv(c), 45)) return c.json({ image_id: imageId }, 202);
      c.header('Location', `${d.computeUrl.replace(/\/compute$/, '/image')}/v2/images/${imageId}`);
      return c.body(null, 202);
    },
    rescue: (c, id, arg) => {
      const a = arg === null || arg === undefined ? {} : obj('rescue', arg);
      onlyKeys(a, atLeast(d.mv(c), 87) ? ['adminPass', 'rescue_image_ref'] : ['adminPass', 'rescue_image_ref'], 'rescue');
      const pass = compute.rescueServer(d.ctx(c), id, str(a, 'adminPass'));
      return c.json({ adminPass: pass });
    },
    changePassword: (c, id, arg) => {
      const a = obj('changePassword', arg);
      onlyKeys(a, ['adminPass'], 'changePassword');
      str(a, 'adminPass', { required: true });
      compute.changePassword(d.ctx(c), id);
      return accepted(c);
    },
    'os-getConsoleOutput': async (c, id, arg) => {
      const a = arg === null || arg === undefined ? {} : obj('os-getConsoleOutput', arg);
      onlyKeys(a, ['length'], 'os-getConsoleOutput');
      const raw = a.length;
      let length: number | undefined;
      if (raw !== undefined && raw !== null && raw !== -1 && raw !== '-1') length = int(a, 'length', { min: -1 });
      return c.json({ output: await compute.consoleOutput(d.ctx(c), id, length) });
    },
    addSecurityGroup: (c, id, arg) => (compute.addServerSecurityGroup(d.ctx(c), id, securityGroupName(arg)), accepted(c)),
    removeSecurityGroup: (c, id, arg) => (compute.removeServerSecurityGroup(d.ctx(c), id, securityGroupName(arg)), accepted(c)),
    'os-getVNCConsole': (c, id, arg) => legacyConsole(c, id, arg, 'os-getVNCConsole', ['novnc', 'xvpvnc']),
    'os-getSPICEConsole': (c, id, arg) => legacyConsole(c, id, arg, 'os-getSPICEConsole', ['spice-html5']),
    'os-getSerialConsole': (c, id, arg) => legacyConsole(c, id, arg, 'os-getSerialConsole', ['serial']),
    ...operatorActions(d),
  };

  function legacyConsole(c: Context<OpenStackEnv>, id: string, arg: unknown, key: string, types: string[]): Response {
    const a = obj(key, arg);
    onlyKeys(a, ['type'], key);
    const type = str(a, 'type', { required: true })!;
    if (!types.includes(type)) throw bad('type', type, `is not one of ${JSON.stringify(types)}`);
    const con = compute.createConsole(d.ctx(c), id, type, `${d.computeUrl}/console/${type}`);
    return c.json({ console: { type, url: con.url } });
  }

  // Every action key of the table that is not served answers 501.
  const unimplemented = new Set(novaOperations.filter((r) => r.path.includes('/action#') && !r.implemented).map((r) => r.path.split('#')[1]!));

  app.post('/v2.1/servers/:server_id/action', async function serverAction(c) {
    const id = c.req.param('server_id');
    const [key, arg] = await actionBody(c, d);
    const handler = actions[key];
    if (handler) return handler(c, id, arg);
    // Nova checks the server exists before it looks at the action.
    compute.getServer(d.ctx(c), id);
    if (unimplemented.has(key)) return notImplemented(c);
    throw errors.invalid(`There is no such action: ${key}`, { reason: 'action' });
  });
}
