// RamFilter: the host has the flavor's RAM free (memory × ram_allocation_ratio − used).
import { free, type HostFilter } from '../types.js';

export const ramFilter: HostFilter = { name: 'RamFilter', passes: (h, s) => free(h).ramMb >= s.ramMb };
