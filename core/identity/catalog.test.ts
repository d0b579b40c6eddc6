// ServiceCatalog: only registered services, three interfaces with region fields, stable ids, project substitution.
import { describe, expect, it } from 'vitest';
import { ServiceCatalog, stableId } from './catalog.js';

describe('ServiceCatalog', () => {
  const make = () => {
    const c = new ServiceCatalog('http://h:8080', 'RegionOne');
    c.register({ type: 'identity', name: 'keystone', path: '/identity' });
    c.register({ type: 'object-store', name: 'swift', path: '/object/v1/AUTH_%(project_id)s' });
    return c;
  };

  it('lists what is registered, each with public, internal and admin endpoints', () => {
    const cat = make().forProject('p1');
    expect(cat.map((s) => s.type)).toEqual(['identity', 'object-store']);
    const ks = cat[0]!;
    expect(ks.name).toBe('keystone');
    expect(ks.endpoints.map((e) => e.interface)).toEqual(['public', 'internal', 'admin']);
    expect(ks.endpoints[0]).toMatchObject({ region: 'RegionOne', region_id: 'RegionOne', url: 'http://h:8080/identity' });
    expect(cat[1]!.endpoints[0]!.url).toBe('http://h:8080/object/v1/AUTH_p1');
  });

  it('leaves out services that need a project when there is none', () => {
    expect(make().forProject().map((s) => s.type)).toEqual(['identity']);
  });

  it('derives the same 32-hex ids every time, distinct per service and endpoint', () => {
    const a = make();
    const b = make();
    expect(a.services().map((s) => s.id)).toEqual(b.services().map((s) => s.id));
    expect(a.endpoints().map((e) => e.id)).toEqual(b.endpoints().map((e) => e.id));
    const ids = [...a.services().map((s) => s.id), ...a.endpoints().map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(stableId('x')).toMatch(/^[0-9a-f]{32}$/);
    expect(a.endpoints()[0]!.serviceId).toBe(a.services()[0]!.id);
  });

  it('replaces a service registered twice', () => {
    const c = make();
    c.register({ type: 'identity', name: 'keystone2', path: '/id' });
    expect(c.services().filter((s) => s.type === 'identity').map((s) => s.name)).toEqual(['keystone2']);
  });
});
