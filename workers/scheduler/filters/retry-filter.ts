// RetryFilter: a rescheduled build never goes back to a host it already failed on.
import type { HostFilter } from '../types.js';

export const retryFilter: HostFilter = { name: 'RetryFilter', passes: (h, s) => !s.triedHosts.includes(h.host) };
