// ServerGroupAntiAffinityFilter: members of an `anti-affinity` group go to different hosts (up to `max_server_per_host` per host, 2.64).
import type { HostFilter } from '../types.js';

export const serverGroupAntiAffinityFilter: HostFilter = {
  name: 'ServerGroupAntiAffinityFilter',
  passes: (h, s) => {
    if (s.group?.policy !== 'anti-affinity') return true;
    const max = s.group.rules.max_server_per_host ?? 1;
    return s.group.memberHosts.filter((x) => x === h.host).length < max;
  },
};
