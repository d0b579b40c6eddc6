// The scheduler's plug-in shapes: a host filter passes or drops a host, a weigher scores the hosts left.
import type { Hypervisor, RequestSpec } from '../../core/compute/index.js';

/** A host filter (Nova's `BaseHostFilter.host_passes`). */
export interface HostFilter {
  name: string;
  passes(host: Hypervisor, spec: RequestSpec): boolean;
}

/** A weigher (Nova's `BaseHostWeigher`): raw scores are normalised to 0..1 across hosts, then multiplied. */
export interface HostWeigher {
  name: string;
  /** Positive: prefer higher raw scores; negative: prefer lower. */
  multiplier: number;
  weigh(host: Hypervisor, spec: RequestSpec): number;
}

/** Free resources the scheduler sees, with allocation ratios applied. */
export const free = (h: Hypervisor) => ({
  vcpus: h.vcpus * h.cpuAllocationRatio - h.vcpusUsed,
  ramMb: h.memoryMb * h.ramAllocationRatio - h.memoryMbUsed,
  diskGb: h.localGb * h.diskAllocationRatio - h.localGbUsed,
});
