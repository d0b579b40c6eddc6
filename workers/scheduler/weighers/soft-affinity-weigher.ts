// ServerGroupSoftAffinityWeigher: a `soft-affinity` group prefers hosts already running its members.
import type { HostWeigher } from '../types.js';

export const softAffinityWeigher: HostWeigher = {
  name: 'ServerGroupSoftAffinityWeigher',
  multiplier: 1,
  weigh: (h, s) => (s.group?.policy === 'soft-affinity' ? s.group.memberHosts.filter((x) => x === h.host).length : 0),
};
