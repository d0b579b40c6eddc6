// Policy enforcement: checks the caller of a request against the named rule, Keystone-style.
import type { RequestContext } from '../context.js';
import { errors } from '../errors.js';
import { identityRules, type PolicyTarget, type Rule } from './rules.js';

export type { PolicyTarget } from './rules.js';

/** True when the caller may perform `action` on `target`. Unknown actions are denied (fail closed). */
export function can(ctx: RequestContext, action: string, target: PolicyTarget = {}, rules: ReadonlyMap<string, Rule> = identityRules): boolean {
  const auth = ctx.auth;
  if (!auth) return false;
  const rule = rules.get(action);
  if (!rule) return false;
  return rule.anyOf.some((check) => check(auth, target));
}

/**
 * Throws Unauthenticated for an anonymous caller and Forbidden (with Keystone's message naming the
 * action) when the caller fails the rule for `action` on `target`.
 */
export function authorize(ctx: RequestContext, action: string, target: PolicyTarget = {}, rules: ReadonlyMap<string, Rule> = identityRules): void {
  if (!ctx.auth) throw errors.unauthenticated();
  if (!can(ctx, action, target, rules)) {
    throw errors.forbidden(`You are not authorized to perform the requested action: ${action}.`, { reason: 'policy', action });
  }
}

/** True when the caller sees every domain's resources in lists (admin or system reader), not just their own domain's. */
export function seesAll(ctx: RequestContext): boolean {
  const a = ctx.auth;
  return !!a && (a.roles.includes('admin') || (a.system === true && a.roles.includes('reader')));
}
