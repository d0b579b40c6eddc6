// Streaming decoders for S3 request bodies: aws-chunked (signed chunks, unsigned/signed trailers) and signed payload hashes.
import { createHash, type Hash } from 'node:crypto';
import { AwsError } from './aws-error.js';
import { chunkSignature, safeEqualHex, trailerSignature, type VerifiedV4 } from './sigv4.js';

/** Which aws-chunked framing `x-amz-content-sha256` announced. */
export type ChunkedMode = 'signed' | 'signed-trailer' | 'unsigned-trailer';

/** Maps an `x-amz-content-sha256` value to its framing; undefined for plain bodies (hex hash or UNSIGNED-PAYLOAD). */
export function chunkedModeOf(payloadHash: string): ChunkedMode | 'unsupported' | undefined {
  switch (payloadHash) {
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return 'signed';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return 'signed-trailer';
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return 'unsigned-trailer';
    default:
      return payloadHash.startsWith('STREAMING-') ? 'unsupported' : undefined;
  }
}

/**
 * Records the first wire-level failure of a body pipeline, so a handler can answer with it even when
 * the consumer (core) reports the aborted stream in its own words.
 */
export class BodyGuard {
  failure?: AwsError;
  fail(e: AwsError): AwsError {
    this.failure ??= e;
    return this.failure;
  }
}

const incomplete = () => new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400);
const badChunk = (why: string) => new AwsError('IncompleteBody', `The aws-chunked body is malformed: ${why}.`, 400);
const MAX_LINE = 8192;

export interface ChunkedOptions {
  mode: ChunkedMode;
  /** Required for the signed modes: the seed signature and signing key. */
  verified?: VerifiedV4;
  /** `x-amz-decoded-content-length`, checked at the end when given. */
  decodedLength?: number;
  guard: BodyGuard;
}

/** The result of a chunked decode: the object bytes, and the trailers once the body has been read. */
export interface ChunkedBody {
  stream: TransformStream<Uint8Array, Uint8Array>;
  /** Trailer headers (lower-case names) — complete only after the stream has ended. */
  trailers: Map<string, string>;
}

/**
 * Decodes aws-chunked framing as it streams, verifying every chunk signature (signed modes, chained
 * from the request signature) and the trailer signature; data is passed on without buffering whole chunks.
 */
export function awsChunkedDecoder(opts: ChunkedOptions): ChunkedBody {
  const signed = opts.mode !== 'unsigned-trailer';
  if (signed && !opts.verified) throw new AwsError('AccessDenied', 'Signed aws-chunked bodies need a SigV4 signature.', 403);
  const trailers = new Map<string, string>();
  let state: 'header' | 'data' | 'crlf' | 'trailer' | 'done' = 'header';
  let line: number[] = [];
  let remaining = 0;
  let chunkSig = '';
  let prevSig = opts.verified?.parsed.signature ?? '';
  let hash: Hash | undefined;
  let crlfSeen = 0;
  let decoded = 0;
  const trailerLines: string[] = [];
  let trailerSig: string | undefined;
  let sawFinal = false;
  const fail = (e: AwsError) => opts.guard.fail(e);

  const endChunk = () => {
    if (!signed) return;
    const dataHash = hash!.digest('hex');
    const expected = chunkSignature(opts.verified!, prevSig, dataHash);
    if (!safeEqualHex(expected, chunkSig)) throw fail(new AwsError('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.', 403));
    prevSig = chunkSig;
  };

  const onHeader = (text: string) => {
    const [sizeHex, ...exts] = text.split(';');
    if (!sizeHex || !/^[0-9a-fA-F]{1,15}$/.test(sizeHex.trim())) throw fail(badChunk('bad chunk size'));
    remaining = parseInt(sizeHex.trim(), 16);
    if (signed) {
      const sigExt = exts.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='));
      if (!sigExt) throw fail(badChunk('missing chunk-signature'));
      chunkSig = sigExt.slice('chunk-signature='.length).toLowerCase();
      hash = createHash('sha256');
    }
    if (remaining === 0) {
      endChunk();
      sawFinal = true;
      state = 'trailer';
    } else state = 'data';
  };

  const onTrailerLine = (text: string): boolean => {
    if (text === '') return true;
    const i = text.indexOf(':');
    if (i <= 0) throw fail(badChunk('bad trailer line'));
    const name = text.slice(0, i).trim().toLowerCase();
    const value = text.slice(i + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSig = value.toLowerCase();
    else {
      trailers.set(name, value);
      trailerLines.push(`${name}:${value}`);
    }
    return false;
  };

  const finishTrailers = () => {
    if (opts.mode === 'signed-trailer') {
      if (!trailerSig) throw fail(new AwsError('SignatureDoesNotMatch', 'The trailer signature is missing.', 403));
      const th = createHash('sha256').update(trailerLines.map((l) => `${l}\n`).join('')).digest('hex');
      const expected = trailerSignature(opts.verified!, prevSig, th);
      if (!safeEqualHex(expected, trailerSig)) throw fail(new AwsError('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.', 403));
    }
    state = 'done';
  };

  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      let i = 0;
      while (i < chunk.length) {
        if (state === 'data') {
          const n = Math.min(remaining, chunk.length - i);
          const piece = chunk.subarray(i, i + n);
          hash?.update(piece);
          controller.enqueue(piece);
          decoded += n;
          remaining -= n;
          i += n;
          if (remaining === 0) {
            state = 'crlf';
            crlfSeen = 0;
          }
        } else if (state === 'crlf') {
          const expect = crlfSeen === 0 ? 0x0d : 0x0a;
          if (chunk[i] !== expect) throw fail(badChunk('chunk data not followed by CRLF'));
          i++;
          if (++crlfSeen === 2) {
            endChunk();
            state = 'header';
          }
        } else if (state === 'header' || state === 'trailer') {
          const b = chunk[i++]!;
          if (b === 0x0a) {
            if (line.length && line[line.length - 1] === 0x0d) line.pop();
            const text = Buffer.from(line).toString('latin1');
            line = [];
            if (state === 'header') onHeader(text);
            else if (onTrailerLine(text)) finishTrailers();
          } else {
            line.push(b);
            if (line.length > MAX_LINE) throw fail(badChunk('header line too long'));
          }
        } else {
          // Bytes after the final CRLF are ignored (some clients pad); nothing more is data.
          i = chunk.length;
        }
      }
    },
    flush() {
      if (state === 'trailer' && line.length === 0) finishTrailers();
      if (!sawFinal || state !== 'done') throw fail(incomplete());
      if (opts.decodedLength !== undefined && decoded !== opts.decodedLength) throw fail(incomplete());
    },
  });
  return { stream, trailers };
}

/** Hashes a plain body as it streams and fails at the end when it differs from the signed `x-amz-content-sha256`. */
export function payloadHashVerifier(expectedHex: string, guard: BodyGuard): TransformStream<Uint8Array, Uint8Array> {
  const h = createHash('sha256');
  return new TransformStream({
    transform(chunk, controller) {
      h.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      const got = h.digest('hex');
      if (got !== expectedHex.toLowerCase()) {
        throw guard.fail(
          new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
            ClientComputedContentSHA256: expectedHex,
            S3ComputedContentSHA256: got,
          }),
        );
      }
    },
  });
}

/** Counts bytes and fails when the body ends short of (or beyond) the declared length: nothing may be stored. */
export function lengthVerifier(expected: number, guard: BodyGuard): TransformStream<Uint8Array, Uint8Array> {
  let n = 0;
  return new TransformStream({
    transform(chunk, controller) {
      n += chunk.length;
      if (n > expected) throw guard.fail(incomplete());
      controller.enqueue(chunk);
    },
    flush() {
      if (n !== expected) throw guard.fail(incomplete());
    },
  });
}
