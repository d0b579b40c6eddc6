// Unit tests of CORS rule matching: origin and header wildcards, methods, rule order.
import { describe, expect, it } from 'vitest';
import { matchCorsRule, type CorsRule } from './cors.js';

const rule = (r: Partial<CorsRule>): CorsRule => ({ allowedMethods: ['GET'], allowedOrigins: ['*'], allowedHeaders: [], exposeHeaders: [], ...r });

describe('matchCorsRule', () => {
  it('origins match exactly or by their one wildcard, case-sensitively', () => {
    const rules = [rule({ id: 'a', allowedOrigins: ['https://*.example.com'] })];
    expect(matchCorsRule(rules, { origin: 'https://a.example.com', method: 'GET', headers: [] })?.id).toBe('a');
    expect(matchCorsRule(rules, { origin: 'https://example.com', method: 'GET', headers: [] })).toBeUndefined();
    expect(matchCorsRule(rules, { origin: 'HTTPS://A.EXAMPLE.COM', method: 'GET', headers: [] })).toBeUndefined();
  });
  it('every requested header must be allowed (case-insensitively), and the method listed', () => {
    const rules = [rule({ id: 'h', allowedHeaders: ['Content-*', 'x-amz-date'] })];
    expect(matchCorsRule(rules, { origin: 'o', method: 'GET', headers: ['content-type', 'x-amz-date'] })?.id).toBe('h');
    expect(matchCorsRule(rules, { origin: 'o', method: 'GET', headers: ['authorization'] })).toBeUndefined();
    expect(matchCorsRule(rules, { origin: 'o', method: 'PUT', headers: [] })).toBeUndefined();
  });
  it('the first matching rule wins', () => {
    const rules = [rule({ id: 'first', allowedMethods: ['PUT'] }), rule({ id: 'second' }), rule({ id: 'third' })];
    expect(matchCorsRule(rules, { origin: 'o', method: 'GET', headers: [] })?.id).toBe('second');
  });
});
