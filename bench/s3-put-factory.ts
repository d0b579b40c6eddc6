// Load-generator factory for S3 PutObject: signs every request (distinct keys) before the timed run starts.
import type { RequestTemplate } from './harness.js';
import { signS3, type S3Key } from './s3-sign.js';

/** What `bench/s3.ts` passes as `factoryArgs`. */
export interface PutFactoryArgs {
  target: string;
  key: S3Key;
  /** Path prefix including the bucket, e.g. `/bench/put-`. */
  prefix: string;
  body: string;
  /** How many distinct signed requests to prepare (warm-up + measured + one per connection). */
  count: number;
}

/** Pre-signs `count` PUTs of `body` to `<prefix><i>`; request i reuses template i mod count. */
export async function createFactory(args: PutFactoryArgs): Promise<(i: number) => RequestTemplate> {
  const templates: RequestTemplate[] = [];
  const length = String(Buffer.byteLength(args.body));
  for (let i = 0; i < args.count; i++) {
    const path = `${args.prefix}${i}`;
    const headers = await signS3(args.target, args.key, 'PUT', path, { 'content-length': length, 'content-type': 'application/octet-stream' });
    templates.push({ method: 'PUT', path, headers, body: args.body, expectStatus: 200 });
  }
  return (i) => templates[i % templates.length]!;
}
