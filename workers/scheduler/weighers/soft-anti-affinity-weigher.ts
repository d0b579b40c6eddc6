// ServerGroupSoftAntiAffinityWeigher: a `soft-anti-affinity` group prefers hosts running fewer of its members.
import type { HostWeigher } from '../types.js';

export const softAntiAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAntiAffinityWeigher',
  multiplier: -1,
  weigh: (h, s) => (s.group?.policy === 'soft-anti-affinity' ? s.group.memberHosts.filter((x) => x === h.host).length : 0),
};
