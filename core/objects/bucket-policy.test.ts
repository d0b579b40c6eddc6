// Unit tests of bucket policy validation and evaluation: wildcards, principals, conditions and missing keys, public status.
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../context.js';
import { isCoreError } from '../errors.js';
import { evaluatePolicy, isPublicPolicy, validateBucketPolicy, type BucketPolicy, type PolicyStatement } from './bucket-policy.js';

const B = 'bkt';
const st = (s: Partial<PolicyStatement>): PolicyStatement => ({
  effect: 'Allow',
  principal: { any: true, projects: [] },
  actions: ['s3:GetObject'],
  resources: [`arn:aws:s3:::${B}/*`],
  conditions: [],
  ...s,
});
const pol = (...statements: PolicyStatement[]): BucketPolicy => ({ text: '{}', statements });
const anon = (facts: RequestContext['facts'] = {}): RequestContext => ({ requestId: 't', facts });
const caller = (projectId: string): RequestContext => ({
  requestId: 't',
  auth: { userId: 'u', userName: 'u', userDomainId: 'default', projectId, roles: ['member'], roleIds: [], methods: ['ec2'], issuedAt: 0, expiresAt: 0 },
});
const noRole = () => undefined;
const writer = () => 'write' as const;
const reader = () => 'read' as const;

function malformed(p: BucketPolicy, exists = () => true): string | undefined {
  try {
    validateBucketPolicy(p, B, exists);
    return undefined;
  } catch (e) {
    if (isCoreError(e, 'Invalid') && e.detail.reason === 'MalformedPolicy') return e.message;
    throw e;
  }
}

describe('validateBucketPolicy', () => {
  it('accepts wildcard actions that match S3 actions, case-insensitively', () => {
    expect(malformed(pol(st({ actions: ['s3:Get*', 'S3:putobject', '*'] })))).toBeUndefined();
    expect(malformed(pol(st({ actions: ['s3:GetBucket*'], resources: [`arn:aws:s3:::${B}`] })))).toBeUndefined();
  });
  it('refuses actions matching nothing, or applying to no resource of the statement', () => {
    expect(malformed(pol(st({ actions: ['s3:Teleport*'] })))).toBe('Policy has invalid action');
    expect(malformed(pol(st({ actions: ['s3:ListBucket'] })))).toBe('Action does not apply to any resource(s) in statement');
  });
  it('refuses resources of other buckets, non-S3 ARNs and unknown principals', () => {
    expect(malformed(pol(st({ resources: ['arn:aws:s3:::bkt2/*'] })))).toBe('Policy has invalid resource');
    expect(malformed(pol(st({ resources: ['*'] })))).toBe('Policy has invalid resource');
    expect(malformed(pol(st({ principal: { any: false, projects: ['p1'] } })), () => false)).toBe('Invalid principal in policy');
  });
  it('refuses malformed condition values', () => {
    expect(malformed(pol(st({ conditions: [{ operator: 'IpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/33'] }] })))).toMatch(/IpAddress/);
    expect(malformed(pol(st({ conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['yes'] }] })))).toMatch(/Bool/);
  });
});

describe('evaluatePolicy', () => {
  it('an explicit Deny wins over any Allow, whichever comes first', () => {
    const p = pol(st({}), st({ effect: 'Deny', resources: [`arn:aws:s3:::${B}/secret/*`] }));
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'secret/x' }, noRole)).toBe('deny');
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'open/x' }, noRole)).toBe('allow');
    expect(evaluatePolicy(p, anon(), B, { action: 's3:PutObject', key: 'open/x' }, noRole)).toBeUndefined();
  });
  it('? and * wildcards in resources; actions compared case-insensitively', () => {
    const p = pol(st({ actions: ['s3:getobject'], resources: [`arn:aws:s3:::${B}/img-?.png`] }));
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'img-1.png' }, noRole)).toBe('allow');
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'img-10.png' }, noRole)).toBeUndefined();
  });
  it('a project principal: a Deny covers any caller scoped to it, an Allow needs a role able to do the action', () => {
    const allow = pol(st({ principal: { any: false, projects: ['p1'] }, actions: ['s3:GetObject', 's3:PutObject'] }));
    expect(evaluatePolicy(allow, caller('p1'), B, { action: 's3:PutObject', key: 'k' }, writer)).toBe('allow');
    expect(evaluatePolicy(allow, caller('p1'), B, { action: 's3:PutObject', key: 'k' }, reader)).toBeUndefined();
    expect(evaluatePolicy(allow, caller('p1'), B, { action: 's3:GetObject', key: 'k' }, reader)).toBe('allow');
    expect(evaluatePolicy(allow, caller('p2'), B, { action: 's3:GetObject', key: 'k' }, writer)).toBeUndefined();
    expect(evaluatePolicy(allow, anon(), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBeUndefined();
    const deny = pol(st({ effect: 'Deny', principal: { any: false, projects: ['p1'] } }));
    expect(evaluatePolicy(deny, caller('p1'), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBe('deny');
  });
  it('missing keys: positive operators fail, negated ones hold; IPv4-mapped addresses are IPv4', () => {
    const onlyLan = pol(st({ conditions: [{ operator: 'IpAddress', key: 'aws:sourceip', values: ['192.168.0.0/16'] }] }));
    expect(evaluatePolicy(onlyLan, anon(), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBeUndefined();
    expect(evaluatePolicy(onlyLan, anon({ sourceIp: '::ffff:192.168.4.5' }), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBe('allow');
    const denyOutside = pol(st({ effect: 'Deny', conditions: [{ operator: 'NotIpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'] }] }));
    expect(evaluatePolicy(denyOutside, anon(), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBe('deny');
    expect(evaluatePolicy(denyOutside, anon({ sourceIp: '10.1.2.3' }), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBeUndefined();
  });
  it('aws:SecureTransport is always known: false unless the request came over TLS', () => {
    const p = pol(st({ effect: 'Deny', conditions: [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['false'] }] }));
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBe('deny');
    expect(evaluatePolicy(p, anon({ secureTransport: true }), B, { action: 's3:GetObject', key: 'k' }, noRole)).toBeUndefined();
  });
  it('RestrictPublicBuckets drops public Allows for callers outside the owner', () => {
    const p = pol(st({}));
    expect(evaluatePolicy(p, anon(), B, { action: 's3:GetObject', key: 'k' }, noRole, { ownerProjectId: 'owner' })).toBeUndefined();
    expect(evaluatePolicy(p, caller('owner'), B, { action: 's3:GetObject', key: 'k' }, writer, { ownerProjectId: 'owner' })).toBe('allow');
  });
});

describe('isPublicPolicy', () => {
  it('public: an Allow to everyone, unless pinned to a source range narrower than everything', () => {
    expect(isPublicPolicy(pol(st({})))).toBe(true);
    expect(isPublicPolicy(pol(st({ effect: 'Deny' })))).toBe(false);
    expect(isPublicPolicy(pol(st({ conditions: [{ operator: 'IpAddress', key: 'aws:SourceIp', values: ['203.0.113.0/24'] }] })))).toBe(false);
    expect(isPublicPolicy(pol(st({ conditions: [{ operator: 'IpAddress', key: 'aws:SourceIp', values: ['0.0.0.0/0'] }] })))).toBe(true);
  });
});
