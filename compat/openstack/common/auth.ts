// The X-Auth-Token middleware every OpenStack family uses: validates the token and sets `c.var.auth`.
import type { MiddlewareHandler } from 'hono';
import type { AuthContext } from '../../../core/context.js';
import { errors } from '../../../core/errors.js';
import type { OpenStackEnv } from './env.js';

/** Validates a token id (identity.tokens); throws Unauthenticated when it is not valid. */
export interface TokenValidator {
  validate(tokenId: string): Promise<{ context: AuthContext }>;
}

/**
 * Requires a valid `X-Auth-Token`; a missing or invalid one is a 401, which the family's error
 * handler renders with `WWW-Authenticate: Keystone uri="..."`.
 */
export function requireAuth(validator: TokenValidator): MiddlewareHandler<OpenStackEnv> {
  return async (c, next) => {
    const token = c.req.header('x-auth-token');
    if (!token) throw errors.unauthenticated();
    const { context } = await validator.validate(token.trim());
    c.set('auth', context);
    await next();
  };
}
