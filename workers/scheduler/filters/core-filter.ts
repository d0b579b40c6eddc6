// CoreFilter: the host has the flavor's vCPUs free (vcpus × cpu_allocation_ratio − used).
import { free, type HostFilter } from '../types.js';

export const coreFilter: HostFilter = { name: 'CoreFilter', passes: (h, s) => free(h).vcpus >= s.vcpus };
