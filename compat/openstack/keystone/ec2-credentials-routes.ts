// Keystone OS-EC2: /v3/users/{id}/credentials/OS-EC2[/{access}], the same rows as /v3/credentials?type=ec2.
import type { Hono } from 'hono';
import { z } from 'zod';
import { readJsonObject, requireAuth, type OpenStackEnv } from '../common/index.js';
import type { KeystoneDeps } from './app.js';
import { ctxOf, listLinks, validate } from './resource-helpers.js';
import { KeystoneViews } from './views.js';

const createSchema = z.looseObject({ tenant_id: z.string().min(1).max(64) });

/** Registers OS-EC2 credential create/list/show/delete. */
export function registerEc2CredentialsRoutes(app: Hono<OpenStackEnv>, deps: KeystoneDeps): void {
  const { identity, identityUrl } = deps;
  const creds = identity.services.credentials;
  const views = new KeystoneViews(identityUrl);
  const auth = requireAuth(identity.tokens);
  const base = '/v3/users/:user_id/credentials/OS-EC2';

  app.get(base, auth, function ec2ListCredentials(c) {
    const rows = creds.listEc2(ctxOf(c), c.req.param('user_id'));
    return c.json({ credentials: rows.map((e) => views.ec2Credential(e)), links: listLinks(c, identityUrl) });
  });

  app.post(base, auth, async function ec2CreateCredential(c) {
    const b = validate(createSchema, await readJsonObject(c, deps.jsonBodyLimit));
    const cred = await creds.createEc2(ctxOf(c), c.req.param('user_id'), b.tenant_id);
    return c.json({ credential: views.ec2Credential(cred) }, 201);
  });

  app.get(`${base}/:credential_id`, auth, function ec2GetCredential(c) {
    return c.json({ credential: views.ec2Credential(creds.getEc2(ctxOf(c), c.req.param('user_id'), c.req.param('credential_id'))) });
  });

  app.delete(`${base}/:credential_id`, auth, function ec2DeleteCredential(c) {
    const access = c.req.param('credential_id');
    creds.deleteEc2(ctxOf(c), c.req.param('user_id'), access);
    identity.invalidateEc2(access);
    return c.body(null, 204);
  });
}
