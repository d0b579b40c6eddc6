// DiskWeigher: prefers the host with the most free disk (`disk_weight_multiplier` 1.0).
import { free, type HostWeigher } from '../types.js';

export const diskWeigher: HostWeigher = { name: 'DiskWeigher', multiplier: 1, weigh: (h) => free(h).diskGb };
