// Forced host: an admin's `availability_zone: "zone:host"` pins the server to that host (Nova skips the other filters' choice).
import type { HostFilter } from '../types.js';

export const forcedHostFilter: HostFilter = {
  name: 'ForcedHostFilter',
  passes: (h, s) => typeof s.hints.force_host !== 'string' || !s.hints.force_host || h.host === s.hints.force_host,
};
