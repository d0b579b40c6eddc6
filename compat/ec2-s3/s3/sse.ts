// S3 server-side encryption on the wire: x-amz-server-side-encryption (SSE-S3) and the SSE-C customer-key headers, checked as S3 checks them; the response headers.
import { createHash } from 'node:crypto';
import type { EncryptionMode, EncryptionRequest } from '../../../core/objects/types.js';
import { AwsError } from '../common/aws-error.js';
import { s3Error } from './errors.js';

/** An SSE-C key as a request carried it: the key and the MD5 it was sent with (echoed in responses). */
export interface CustomerKey {
  key: Uint8Array;
  md5: string;
}

const C = 'x-amz-server-side-encryption-customer-';
const SOURCE = 'x-amz-copy-source-server-side-encryption-customer-';

const invalid = (message: string, name: string, value?: string) =>
  s3Error('InvalidArgument', message, { ArgumentName: name, ArgumentValue: value === undefined ? undefined : value.slice(0, 64) });

/**
 * The customer key of the `x-amz-server-side-encryption-customer-*` headers (or the copy source's
 * `x-amz-copy-source-server-side-encryption-customer-*`), undefined when none is sent. The three must come
 * together: algorithm AES256, a base64 32-byte key and the base64 MD5 of the key (400 otherwise, as S3).
 */
export function customerKeyFrom(h: Headers, source = false): CustomerKey | undefined {
  const prefix = source ? SOURCE : C;
  const algorithm = h.get(`${prefix}algorithm`);
  const key = h.get(`${prefix}key`);
  const md5 = h.get(`${prefix}key-md5`);
  if (algorithm === null && key === null && md5 === null) return undefined;
  if (algorithm === null) {
    throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.', `${prefix}algorithm`, 'null');
  }
  if (algorithm !== 'AES256') {
    throw new AwsError('InvalidEncryptionAlgorithmError', 'The encryption request you specified is not valid. The valid value is AES256.', 400, {
      ArgumentName: `${prefix}algorithm`,
      ArgumentValue: algorithm.slice(0, 64),
    });
  }
  if (key === null) throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.', `${prefix}key`, 'null');
  const raw = Buffer.from(key.trim(), 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== key.trim()) throw invalid('The secret key was invalid for the specified algorithm.', `${prefix}key`);
  if (md5 === null) {
    throw invalid('Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.', `${prefix}key-MD5`, 'null');
  }
  if (createHash('md5').update(raw).digest('base64') !== md5.trim()) {
    throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.', `${prefix}key-MD5`);
  }
  return { key: new Uint8Array(raw), md5: md5.trim() };
}

/**
 * The encryption a write asks for: `x-amz-server-side-encryption: AES256` (SSE-S3) or the SSE-C headers.
 * Both at once → 400 InvalidArgument, as S3. aws:kms and unknown values were refused by protection.ts.
 */
export function writeEncryptionFrom(h: Headers): { request?: EncryptionRequest; customerKey?: CustomerKey } {
  const sse = h.get('x-amz-server-side-encryption');
  const customerKey = customerKeyFrom(h);
  if (sse !== null && customerKey) {
    throw invalid('Server Side Encryption with Customer provided key is incompatible with the encryption method specified', 'x-amz-server-side-encryption', sse);
  }
  if (customerKey) return { request: { mode: 'SSE-C', customerKey: customerKey.key }, customerKey };
  if (sse === 'AES256') return { request: { mode: 'SSE-S3' } };
  return {};
}

/** The response members naming an object's encryption: `ServerSideEncryption: AES256`, or SSE-C's algorithm and the request's key MD5. */
export function encryptionOutput(mode: EncryptionMode | undefined, customerKey?: CustomerKey): Record<string, string> {
  if (mode === 'SSE-S3') return { ServerSideEncryption: 'AES256' };
  if (mode === 'SSE-C') return customerKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: customerKey.md5 } : { SSECustomerAlgorithm: 'AES256' };
  return {};
}
