// What every OpenStack family imports from common: env type, sub-app builder, error table, auth and JSON helpers.
export type { OpenStackEnv } from './env.js';
export { createOpenStackApp, finishOpenStackApp, httpError, plainResponse, type OpenStackAppOptions } from './family-app.js';
export { KIND_STATUS, STATUS_TITLE, DEFAULT_MESSAGE, keystoneError, type ErrorRenderer, type WireError } from './errors.js';
export { requireAuth, type TokenValidator } from './auth.js';
export { jsonBodyLimit, readJson, readJsonObject, isObject, queryFlag } from './request.js';
