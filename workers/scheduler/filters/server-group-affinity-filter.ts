// ServerGroupAffinityFilter: members of an `affinity` group share one host.
import type { HostFilter } from '../types.js';

export const serverGroupAffinityFilter: HostFilter = {
  name: 'ServerGroupAffinityFilter',
  passes: (h, s) => s.group?.policy !== 'affinity' || s.group.memberHosts.length === 0 || s.group.memberHosts.includes(h.host),
};
