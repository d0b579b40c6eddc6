// The S3 error renderer: characters XML cannot carry are replaced, and a document that cannot be built still answers an S3 <Error>.
import { Parser } from 'xml2js';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../common/aws-error.js';
import { renderS3Error, s3Error } from './errors.js';

const parse = async (r: Response) => (await new Parser({ strict: true, explicitArray: false }).parseStringPromise(await r.text())) as { Error: Record<string, string> };

describe('renderS3Error', () => {
  it('replaces control characters, U+FFFE and lone surrogates in echoed fields with U+FFFD', async () => {
    const r = renderS3Error(s3Error('NoSuchKey', undefined, { Key: 'a\x01b\ufffec\ud800' }), 'req-1', 'GET', '/b/a%01b');
    expect(r.status).toBe(404);
    expect((await parse(r)).Error).toMatchObject({ Code: 'NoSuchKey', Key: 'a\ufffdb\ufffdc\ufffd', RequestId: 'req-1' });
  });

  it('falls back to an S3 InternalError document when the error cannot be rendered', async () => {
    const r = renderS3Error(new AwsError('InvalidArgument', 'm', 400, { 'not an element name': 'x' }), 'req-2', 'PUT', '/b/k');
    expect([r.status, r.headers.get('content-type'), r.headers.get('x-amz-request-id')]).toEqual([500, 'application/xml', 'req-2']);
    expect((await parse(r)).Error).toMatchObject({ Code: 'InternalError', RequestId: 'req-2' });
  });
});
