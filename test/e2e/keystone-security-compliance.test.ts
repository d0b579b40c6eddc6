// In-process tests of Keystone's [security_compliance] options and their user-facing errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keystoneFixture, type KeystoneFixture } from './keystone-fixture.js';

const DAY = 24 * 3600 * 1000;

describe('Keystone security compliance', () => {
  let f: KeystoneFixture;

  beforeAll(async () => {
    f = await keystoneFixture({
      SKYBRIDGE_LOCKOUT_FAILURE_ATTEMPTS: '2',
      SKYBRIDGE_LOCKOUT_DURATION: '60',
      SKYBRIDGE_UNIQUE_LAST_PASSWORD_COUNT: '3',
      SKYBRIDGE_MINIMUM_PASSWORD_AGE: '1',
      SKYBRIDGE_PASSWORD_EXPIRES_DAYS: '90',
      SKYBRIDGE_PASSWORD_REGEX: '^(?=.*\\d).{8,}$',
      SKYBRIDGE_PASSWORD_REGEX_DESCRIPTION: 'at least 8 characters with a digit',
      SKYBRIDGE_CHANGE_PASSWORD_UPON_FIRST_USE: 'true',
    });
  });
  afterAll(async () => f.sys.dispose());

  const passwordAuth = (name: string, password: string) =>
    f.call('POST', '/v3/auth/tokens', undefined, { auth: { identity: { methods: ['password'], password: { user: { name, password, domain: { id: 'default' } } } } } });
  const change = (id: string, original: string, password: string) =>
    f.call('POST', `/v3/users/${id}/password`, undefined, { user: { original_password: original, password } });
  // A fresh admin token each time: tests move the clock by days, past any earlier token's expiry.
  const adminToken = () => f.login('admin', 'admin-secret', 'admin');
  const create = async (name: string, password: string, options?: Record<string, boolean>) =>
    f.call('POST', '/v3/users', await adminToken(), { user: { name, password, ...(options ? { options } : {}) } });

  it('rejects a password that does not match the regex, with its description', async () => {
    const r = await create('weak', 'short');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('The password does not match the requirements: at least 8 characters with a digit.');
  });

  it('an administrator-set password must be changed on first use; then it works and expires later', async () => {
    const u = (await create('first', 'password1')).body.user;
    expect(u.password_expires_at).not.toBeNull();
    const r = await passwordAuth('first', 'password1');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe(`The password is expired and needs to be changed for user: ${u.id}.`);
    expect((await change(u.id, 'password1', 'password2')).status).toBe(204);
    expect((await passwordAuth('first', 'password2')).status).toBe(201);
    f.clock.advance(91 * DAY);
    const expired = await passwordAuth('first', 'password2');
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe(`The password is expired and needs to be changed for user: ${u.id}.`);
  });

  it('minimum password age applies to self-service changes; history forbids reuse of the last passwords', async () => {
    const u = (await create('ager', 'password1', { ignore_change_password_upon_first_use: true })).body.user;
    expect((await passwordAuth('ager', 'password1')).status).toBe(201);
    expect((await change(u.id, 'password1', 'password2')).status).toBe(204);
    const tooSoon = await change(u.id, 'password2', 'password3');
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.error.message).toBe(
      'You cannot change your password at this time due to the minimum password age. Once you change your password, it must be used for 1 day(s) before it can be changed. Please try again in 1 day(s) or contact your administrator to reset your password.',
    );
    f.clock.advance(2 * DAY);
    const reused = await change(u.id, 'password2', 'password1');
    expect(reused.status).toBe(400);
    expect(reused.body.error.message).toBe(
      'The new password cannot be identical to a previous password. The total number whichincludes the new password must be unique is 3.',
    );
    expect((await change(u.id, 'password2', 'password3')).status).toBe(204);
  });

  it('history covers the last N passwords, the current one included; an administrator reset is exempt', async () => {
    const u = (await create('histy', 'password1', { ignore_change_password_upon_first_use: true })).body.user;
    expect((await change(u.id, 'password1', 'password2')).status).toBe(204);
    f.clock.advance(2 * DAY);
    expect((await change(u.id, 'password2', 'password3')).status).toBe(204);
    f.clock.advance(2 * DAY);
    // unique_last_password_count = 3: password1, password2 and password3 (current) are all refused.
    for (const old of ['password1', 'password2', 'password3']) {
      const r = await change(u.id, 'password3', old);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('cannot be identical to a previous password');
    }
    // Keystone's update_user does not validate history: an admin may reset to any earlier password.
    const reset = await f.call('PATCH', `/v3/users/${u.id}`, await adminToken(), { user: { password: 'password2' } });
    expect(reset.status).toBe(200);
    const again = await f.call('PATCH', `/v3/users/${u.id}`, await adminToken(), { user: { password: 'password2' } });
    expect(again.status).toBe(200);
  });

  it('locks the account after N failures for the configured duration, answering like a wrong password', async () => {
    (await create('locky', 'password1', { ignore_change_password_upon_first_use: true })).body.user;
    expect((await passwordAuth('locky', 'wrong-1')).status).toBe(401);
    expect((await passwordAuth('locky', 'wrong-2')).status).toBe(401);
    const locked = await passwordAuth('locky', 'password1');
    expect(locked.status).toBe(401);
    expect(locked.body.error.message).toBe('The request you have made requires authentication.');
    f.clock.advance(61_000);
    expect((await passwordAuth('locky', 'password1')).status).toBe(201);
  });

  it('a disabled user gets Keystone’s disabled message after a correct password', async () => {
    const u = (await create('off', 'password1', { ignore_change_password_upon_first_use: true })).body.user;
    await f.call('PATCH', `/v3/users/${u.id}`, await adminToken(), { user: { enabled: false } });
    const r = await passwordAuth('off', 'password1');
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe(`The account is disabled for user: ${u.id}.`);
  });
});
