// The composition root builds a serving app: health check and the top-level fallbacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestSystem, type TestSystem } from '../test/harness/system.js';

describe('buildSystem', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await buildTestSystem();
  });
  afterAll(async () => sys.dispose());

  it('answers /healthz once migrations ran', async () => {
    const r = await sys.request('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });
});
