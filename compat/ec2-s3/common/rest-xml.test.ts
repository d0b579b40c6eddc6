// The model-driven serializer and parser: element names, flattened lists, namespaces, headers, attributes.
import { describe, expect, it } from 'vitest';
import shapes from './generated/s3-shapes.json' with { type: 'json' };
import { RestXml, type ShapeDocument } from './rest-xml.js';
import { S3_ROUTES } from '../s3/router.js';

const p = new RestXml(shapes as unknown as ShapeDocument);

describe('rest-xml serializer', () => {
  it('writes ListObjectsV2 with flattened Contents, ISO timestamps with ms and the S3 namespace', () => {
    const r = p.serialize('ListObjectsV2', {
      Name: 'b',
      KeyCount: 1,
      IsTruncated: false,
      Contents: [{ Key: 'a&b', LastModified: new Date(Date.UTC(2026, 10, 25, 19, 27, 8)), ETag: '"x"', Size: 3, StorageClass: 'STANDARD' }],
      CommonPrefixes: [{ Prefix: 'p/' }],
    });
    expect(r.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>false</IsTruncated><Contents><Key>a&amp;b</Key><LastModified>2026-11-25T19:27:08.000Z</LastModified><ETag>"x"</ETag><Size>3</Size><StorageClass>STANDARD</StorageClass></Contents><Name>b</Name><CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes><KeyCount>1</KeyCount></ListBucketResult>',
    );
  });

  it('binds header members, x-amz-meta- maps and HTTP dates', () => {
    const r = p.serialize('HeadObject', { ETag: '"e"', ContentLength: 5, LastModified: new Date(0), Metadata: { color: 'blue' } });
    expect(r.headers).toMatchObject({ etag: '"e"', 'content-length': '5', 'last-modified': 'Thu, 01 Jan 1970 00:00:00 GMT', 'x-amz-meta-color': 'blue' });
    expect(r.body).toBeUndefined();
  });

  it('writes ACL grantees with xsi:type and wrapped lists', () => {
    const r = p.serialize('GetBucketAcl', {
      Owner: { ID: 'p1', DisplayName: 'proj' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'p1', DisplayName: 'proj' }, Permission: 'FULL_CONTROL' }],
    });
    expect(r.body).toContain('<AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">');
    expect(r.body).toContain('<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>');
  });

  it('writes LocationConstraint as a text root and payload members under their own root', () => {
    expect(p.serialize('GetBucketLocation', { LocationConstraint: 'RegionOne' }).body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">RegionOne</LocationConstraint>',
    );
    expect(p.serialize('CopyObject', { CopyObjectResult: { ETag: '"e"' } }).body).toContain('<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ETag>"e"</ETag></CopyObjectResult>');
    expect(p.serialize('DeleteBucket', {}).status).toBe(204);
  });
});

describe('rest-xml parser', () => {
  it('reads CompleteMultipartUpload parts, flattened', async () => {
    const body = '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"a"</ETag><PartNumber>1</PartNumber></Part><Part><ETag>b</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>';
    const input = await p.parse('CompleteMultipartUpload', { headers: new Headers(), query: new URLSearchParams('uploadId=u'), uri: { Bucket: 'b', Key: 'k' }, body });
    expect(input).toMatchObject({ Bucket: 'b', Key: 'k', UploadId: 'u', MultipartUpload: { Parts: [{ ETag: '"a"', PartNumber: 1 }, { ETag: 'b', PartNumber: 2 }] } });
  });

  it('reads Delete with Quiet, and ACL grantee attributes', async () => {
    const del = await p.parse('DeleteObjects', { headers: new Headers(), query: new URLSearchParams(), uri: { Bucket: 'b' }, body: '<Delete><Quiet>true</Quiet><Object><Key>x</Key></Object><Object><Key>y</Key></Object></Delete>' });
    expect(del.Delete).toEqual({ Quiet: true, Objects: [{ Key: 'x' }, { Key: 'y' }] });
    const acl = await p.parse('PutBucketAcl', {
      headers: new Headers(),
      query: new URLSearchParams('acl'),
      uri: { Bucket: 'b' },
      body: '<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>',
    });
    expect(acl.AccessControlPolicy).toEqual({ Grants: [{ Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }] });
  });

  it('refuses DTDs, wrong roots and broken XML with MalformedXML', async () => {
    for (const body of ['<!DOCTYPE x [<!ENTITY e "x">]><Delete/>', '<Nope/>', '<Delete><Object>']) {
      await expect(p.parse('DeleteObjects', { headers: new Headers(), query: new URLSearchParams(), uri: { Bucket: 'b' }, body })).rejects.toMatchObject({ code: 'MalformedXML' });
    }
  });

  it('binds headers and query by the model, with InvalidArgument for bad integers', async () => {
    const input = await p.parse('ListObjectsV2', { headers: new Headers(), query: new URLSearchParams('list-type=2&max-keys=5&prefix=a'), uri: { Bucket: 'b' } });
    expect(input).toMatchObject({ MaxKeys: 5, Prefix: 'a' });
    await expect(p.parse('ListObjectsV2', { headers: new Headers(), query: new URLSearchParams('max-keys=x'), uri: { Bucket: 'b' } })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('route table', () => {
  it('lists every operation of the model exactly once', () => {
    const model = Object.keys((shapes as unknown as ShapeDocument).operations).sort();
    const table = S3_ROUTES.filter((r) => !r.newerThanModel && !r.outsideModel).map((r) => r.operation).sort();
    expect(table).toEqual(model);
  });

  it('routes the sub-resources of operations newer than the model, so they never fall through', () => {
    const newer = S3_ROUTES.filter((r) => r.newerThanModel).map((r) => r.operation);
    expect(newer).toContain('RenameObject');
    expect(newer.filter((op) => op in (shapes as unknown as ShapeDocument).operations)).toEqual([]);
  });

  it('routes PostObject, which the model has no shape for, by its form upload', () => {
    expect(S3_ROUTES.filter((r) => r.outsideModel).map((r) => r.operation)).toEqual(['PostObject']);
  });
});
