// CPUWeigher: prefers the host with the most free vCPUs (`cpu_weight_multiplier` 1.0).
import { free, type HostWeigher } from '../types.js';

export const cpuWeigher: HostWeigher = { name: 'CPUWeigher', multiplier: 1, weigh: (h) => free(h).vcpus };
