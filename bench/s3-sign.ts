// SigV4 signing for benchmark requests (done before the timed run), and the admin EC2 key a bench skybridge wrote to aws.env.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '../test/harness/node-sha256.js';


/** An EC2 credential and the region to sign for. */
export interface S3Key {
  access: string;
  secret: string;
  region: string;
}

/** Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_DEFAULT_REGION` from `<dataDir>/aws.env`. */
export function readAwsEnv(dataDir: string): S3Key {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dataDir, 'aws.env'), 'utf8').split('\n')) {
    const m = /^export\s+([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  }
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) throw new Error(`no EC2 key in ${dataDir}/aws.env`);
  return { access: env.AWS_ACCESS_KEY_ID, secret: env.AWS_SECRET_ACCESS_KEY, region: env.AWS_DEFAULT_REGION ?? 'RegionOne' };
}

/**
 * Signs one path-style request with `UNSIGNED-PAYLOAD` (the body is not hashed) and returns the headers
 * to send. A signature stays valid for 15 minutes, so a signed GET can be replayed for the whole run.
 */
export async function signS3(target: string, key: S3Key, method: string, path: string, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const u = new URL(target);
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.access, secretAccessKey: key.secret },
    region: key.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: u.hostname,
    port: Number(u.port),
    path,
    query: {},
    headers: { host: u.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers },
  });
  return signed.headers as Record<string, string>;
}
