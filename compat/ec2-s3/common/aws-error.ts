// A wire-level AWS error (code, message, status and extra fields) raised by the protocol and auth layers.

/** An error that already knows its AWS code and HTTP status; families render it in their own XML shape. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra elements S3 adds for some codes (e.g. `BucketName`, `Key`, `RequestTime`). */
    readonly fields: Record<string, string | number | undefined> = {},
    /** Response headers to add (e.g. `Connection: close` when the body is not read). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** Shorthands for the errors the auth and protocol layers raise most. */
export const awsErrors = {
  accessDenied: (message = 'Access Denied', fields: Record<string, string | number | undefined> = {}) => new AwsError('AccessDenied', message, 403, fields),
  invalidArgument: (message: string, fields: Record<string, string | number | undefined> = {}) => new AwsError('InvalidArgument', message, 400, fields),
  invalidRequest: (message: string) => new AwsError('InvalidRequest', message, 400),
  malformedXml: () =>
    new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400),
  notImplemented: (message = 'A header you provided implies functionality that is not implemented.') => new AwsError('NotImplemented', message, 501),
  signatureDoesNotMatch: (fields: Record<string, string | number | undefined> = {}) =>
    new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      403,
      fields,
    ),
  invalidAccessKeyId: (accessKey: string) =>
    new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, { AWSAccessKeyId: accessKey }),
};
