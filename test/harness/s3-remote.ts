// A second skybridge process used as the S3-compatible cluster behind the S3 blob backend, with its admin EC2 key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startServer, type RunningServer } from './server.js';

/** The remote cluster: a real skybridge on a free port with a temp data dir. */
export interface S3Remote {
  server: RunningServer;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** An SDK client for the remote, signed with the admin key (path-style). */
  client: S3Client;
  /** Creates a bucket on the remote. */
  createBucket(name: string): Promise<void>;
  dispose(): Promise<void>;
}

/** Reads `export K='v'` lines, as `aws.env` has them. */
function exportsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export\s+([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (v.startsWith("'") && v.endsWith("'")) v = v.slice(1, -1).replace(/'\\''/g, "'");
    out[m[1]!] = v;
  }
  return out;
}

/** Starts the remote skybridge and reads the admin EC2 credential its first start wrote to `aws.env`. */
export async function startS3Remote(): Promise<S3Remote> {
  const server = await startServer({ env: { SKYBRIDGE_PASSWORD_HASH_COST: '1024' } });
  const env = exportsOf(readFileSync(join(server.dataDir, 'aws.env'), 'utf8'));
  const accessKeyId = env.AWS_ACCESS_KEY_ID!;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY!;
  const client = new S3Client({ endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    server,
    endpoint: server.url,
    accessKeyId,
    secretAccessKey,
    client,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async dispose() {
      client.destroy();
      await server.dispose();
    },
  };
}
