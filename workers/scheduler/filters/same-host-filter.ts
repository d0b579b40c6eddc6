// SameHostFilter: the `same_host` hint puts the server on a host of the instances it names.
import type { HostFilter } from '../types.js';

export const sameHostFilter: HostFilter = {
  name: 'SameHostFilter',
  passes: (h, s) => s.hints.same_host === undefined || s.sameHost.includes(h.host),
};
