// Nova's FilterScheduler: run every filter, weigh the hosts left (normalised, multiplied, summed), best first.
import type { Hypervisor, RequestSpec } from '../../core/compute/index.js';
import { availabilityZoneFilter } from './filters/availability-zone-filter.js';
import { computeFilter } from './filters/compute-filter.js';
import { coreFilter } from './filters/core-filter.js';
import { differentHostFilter } from './filters/different-host-filter.js';
import { diskFilter } from './filters/disk-filter.js';
import { forcedHostFilter } from './filters/forced-host-filter.js';
import { imagePropertiesFilter } from './filters/image-properties-filter.js';
import { ramFilter } from './filters/ram-filter.js';
import { retryFilter } from './filters/retry-filter.js';
import { sameHostFilter } from './filters/same-host-filter.js';
import { serverGroupAffinityFilter } from './filters/server-group-affinity-filter.js';
import { serverGroupAntiAffinityFilter } from './filters/server-group-anti-affinity-filter.js';
import type { HostFilter, HostWeigher } from './types.js';
import { cpuWeigher } from './weighers/cpu-weigher.js';
import { diskWeigher } from './weighers/disk-weigher.js';
import { ramWeigher } from './weighers/ram-weigher.js';
import { softAffinityWeigher } from './weighers/soft-affinity-weigher.js';
import { softAntiAffinityWeigher } from './weighers/soft-anti-affinity-weigher.js';

/** The default filters (Nova's `enabled_filters` plus the resource filters placement replaced). */
export const DEFAULT_FILTERS: readonly HostFilter[] = [
  retryFilter,
  forcedHostFilter,
  computeFilter,
  availabilityZoneFilter,
  ramFilter,
  coreFilter,
  diskFilter,
  imagePropertiesFilter,
  serverGroupAntiAffinityFilter,
  serverGroupAffinityFilter,
  sameHostFilter,
  differentHostFilter,
];

export const DEFAULT_WEIGHERS: readonly HostWeigher[] = [ramWeigher, cpuWeigher, diskWeigher, softAffinityWeigher, softAntiAffinityWeigher];

/** The result of one selection: hosts best first, and the first filter that emptied the list (for the fault). */
export interface Selection {
  hosts: string[];
  rejectedBy?: string;
}

/** Filters then weighs `hosts` for `spec`. */
export function selectHosts(hosts: readonly Hypervisor[], spec: RequestSpec, filters: readonly HostFilter[] = DEFAULT_FILTERS, weighers: readonly HostWeigher[] = DEFAULT_WEIGHERS): Selection {
  let left = [...hosts];
  for (const f of filters) {
    const next = left.filter((h) => f.passes(h, spec));
    if (!next.length) return { hosts: [], rejectedBy: f.name };
    left = next;
  }
  const scores = new Map(left.map((h) => [h.host, 0]));
  for (const w of weighers) {
    const raw = left.map((h) => w.weigh(h, spec));
    const min = Math.min(...raw);
    const max = Math.max(...raw);
    left.forEach((h, i) => {
      const norm = max === min ? 0 : (raw[i]! - min) / (max - min);
      scores.set(h.host, scores.get(h.host)! + w.multiplier * norm);
    });
  }
  // Ties keep the host list order (stable sort), so equal hosts fill in a predictable order.
  return { hosts: left.sort((a, b) => scores.get(b.host)! - scores.get(a.host)!).map((h) => h.host) };
}
