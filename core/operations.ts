// The shape of a family's operation table row, from which docs/compat-matrix.md is generated.

/** One wire operation a family knows about, implemented or answering NotImplemented. */
export interface OperationRow {
  /** Family / service, e.g. `keystone`, `swift`, `s3`, `ec2`. */
  service: string;
  /** Wire operation name, e.g. `createProject`, `PutObject`. */
  operation: string;
  /** HTTP method and path pattern (or S3 subresource / EC2 Action) as documented upstream. */
  method: string;
  path: string;
  implemented: boolean;
  /** Short caveat shown in the matrix. */
  note?: string;
}

/** One request parameter's fate on a face: honoured, refused with the family's error, or meaningless here. */
export interface ParameterRow {
  /** The wire parameter (header, `?query`, body element), as the family spells it. */
  param: string;
  /** The operations it belongs to; `*` for every operation that has it. */
  operations: readonly string[];
  verdict: 'honoured' | 'refused' | 'meaningless';
  note: string;
}
