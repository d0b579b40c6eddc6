// ComputeFilter: only enabled hosts whose compute service is up.
import type { HostFilter } from '../types.js';

export const computeFilter: HostFilter = { name: 'ComputeFilter', passes: (h) => h.status === 'enabled' && h.state === 'up' };
