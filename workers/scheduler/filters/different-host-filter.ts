// DifferentHostFilter: the `different_host` hint keeps the server off the hosts of the instances it names.
import type { HostFilter } from '../types.js';

export const differentHostFilter: HostFilter = { name: 'DifferentHostFilter', passes: (h, s) => !s.differentHost.includes(h.host) };
