// AvailabilityZoneFilter: a server that asked for a zone only goes to hosts in it.
import type { HostFilter } from '../types.js';

export const availabilityZoneFilter: HostFilter = { name: 'AvailabilityZoneFilter', passes: (h, s) => !s.availabilityZone || h.zone === s.availabilityZone };
