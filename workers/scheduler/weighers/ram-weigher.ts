// RAMWeigher: spread by default, preferring the host with the most free RAM (`ram_weight_multiplier` 1.0).
import { free, type HostWeigher } from '../types.js';

export const ramWeigher: HostWeigher = { name: 'RAMWeigher', multiplier: 1, weigh: (h) => free(h).ramMb };
