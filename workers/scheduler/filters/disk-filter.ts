// DiskFilter: the host has the flavor's root disk free (local_gb × disk_allocation_ratio − used).
import { free, type HostFilter } from '../types.js';

export const diskFilter: HostFilter = { name: 'DiskFilter', passes: (h, s) => free(h).diskGb >= s.diskGb };
