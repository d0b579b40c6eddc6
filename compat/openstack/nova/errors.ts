// Nova's error bodies: `{"<faultName>": {"code": N, "message": "..."}}`, the fault name chosen by status as nova's wsgi Fault does.
import type { ErrorRenderer } from '../common/index.js';

/** nova/api/openstack/wsgi.py `Fault._fault_names`; any other status is a `computeFault`. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Renders Nova's fault body. */
export const novaError: ErrorRenderer = (c, e) => c.json({ [FAULT_NAMES[e.status] ?? 'computeFault']: { code: e.status, message: e.message } }, e.status);
