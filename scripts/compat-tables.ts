// The one list of operation tables docs/compat-matrix.md is generated from; each API family adds its line here.
import type { OperationRow, ParameterRow } from '../core/operations.js';
import { notImplemented as keystoneNotImplemented } from '../compat/openstack/keystone/not-implemented.js';
import { KEYSTONE_PREFIX, keystoneOperations } from '../compat/openstack/keystone/operations.js';
import { notImplemented as glanceNotImplemented } from '../compat/openstack/glance/not-implemented.js';
import { GLANCE_PREFIX, glanceOperations } from '../compat/openstack/glance/operations.js';
import { notImplemented as neutronNotImplemented } from '../compat/openstack/neutron/not-implemented.js';
import { NEUTRON_PREFIX, neutronOperations } from '../compat/openstack/neutron/operations.js';
import { novaOperations } from '../compat/openstack/nova/operations.js';
import { metadataOperations } from '../compat/openstack/nova/metadata-app.js';
import { SWIFT_OPERATIONS } from '../compat/openstack/swift/operations.js';
import { SWIFT_PARAMETER_RULES } from '../compat/openstack/swift/request-parameters.js';
import { s3Operations } from '../compat/ec2-s3/s3/app.js';
import { PROTECTION_RULES } from '../compat/ec2-s3/s3/protection.js';
import { PARAMETER_RULES } from '../compat/ec2-s3/s3/request-parameters.js';

/** One API family's operation table, as the matrix shows it and the generator checks it. */
export interface CompatTable {
  /** Section heading, e.g. `Keystone (Identity v3)`. */
  title: string;
  /** `OpenStack` or `AWS`. */
  family: string;
  rows: readonly OperationRow[];
  /**
   * For tables whose rows are Hono routes: the gateway path the row paths are relative to. When set, the
   * generator checks the built app: implemented rows have a real route and do not answer `notImplementedStatus`;
   * the others answer it. Tables routed by their own dispatcher (S3, EC2) leave it unset and test their router.
   */
  mountPrefix?: string;
  /** Status an unimplemented operation answers (default 501). */
  notImplementedStatus?: number;
  /** The family's NotImplemented handler, so the route check can tell it from real handlers. */
  placeholder?: unknown;
  /** Request parameters that ask for a protection, and what the family does with each (its own table). */
  protection?: { source: string; rows: readonly ParameterRow[] };
}

/** Every table in the matrix, in the order of the document. Add a line per family. */
export const compatTables: CompatTable[] = [
  {
    title: 'Keystone (Identity v3)',
    family: 'OpenStack',
    rows: keystoneOperations,
    mountPrefix: KEYSTONE_PREFIX,
    placeholder: keystoneNotImplemented,
  },
  {
    title: 'Glance (Image v2)',
    family: 'OpenStack',
    rows: glanceOperations,
    mountPrefix: GLANCE_PREFIX,
    placeholder: glanceNotImplemented,
  },
  {
    title: 'Neutron (Networking v2.0)',
    family: 'OpenStack',
    rows: neutronOperations,
    mountPrefix: NEUTRON_PREFIX,
    placeholder: neutronNotImplemented,
  },
  // Nova's server actions are one route (`POST …/action`) dispatched by body key: test/e2e/nova.test.ts checks the table against the app.
  { title: 'Nova (Compute v2.1)', family: 'OpenStack', rows: novaOperations },
  // One catch-all route under /metadata serves the guests' metadata; test/e2e/nova-network.test.ts reads each path.
  { title: 'Nova metadata service (guests, under /metadata)', family: 'OpenStack', rows: metadataOperations },
  // Swift and S3 dispatch through their own tables (not Hono routes); their dispatch tests check them.
  {
    title: 'Swift (Object Storage v1)',
    family: 'OpenStack',
    rows: SWIFT_OPERATIONS,
    protection: { source: 'compat/openstack/swift/request-parameters.ts', rows: SWIFT_PARAMETER_RULES },
  },
  { title: 'S3', family: 'AWS', rows: s3Operations, protection: { source: 'compat/ec2-s3/s3/protection.ts and compat/ec2-s3/s3/request-parameters.ts', rows: [...PROTECTION_RULES, ...PARAMETER_RULES] } },
];
