// ImagePropertiesFilter: an image's hypervisor_type / hw_architecture / vm_mode must be ones the host supports.
import type { HostFilter } from '../types.js';

/** What every simulated host supports (a libvirt host would report its own). */
const ARCHES = new Set(['x86_64', 'i686']);
const MODES = new Set(['hvm']);

export const imagePropertiesFilter: HostFilter = {
  name: 'ImagePropertiesFilter',
  passes: (h, s) => {
    const p = s.imageProperties;
    const hvType = p.img_hv_type ?? p.hypervisor_type;
    if (hvType && hvType.toLowerCase() !== h.hypervisorType.toLowerCase()) return false;
    const arch = p.hw_architecture ?? p.architecture;
    if (arch && !ARCHES.has(arch)) return false;
    const mode = p.hw_vm_mode ?? p.vm_mode;
    if (mode && !MODES.has(mode)) return false;
    return true;
  },
};
