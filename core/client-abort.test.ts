// isClientAbort: the entry's ClientAbortError, Node's IncomingMessage `aborted` error, and wrappers of either; nothing else.
import { describe, expect, it } from 'vitest';
import { ClientAbortError, isClientAbort } from './client-abort.js';

describe('isClientAbort', () => {
  it('recognises a ClientAbortError, Node’s aborted/ECONNRESET and errors that wrap them', () => {
    const nodeAbort = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(isClientAbort(new ClientAbortError())).toBe(true);
    expect(isClientAbort(nodeAbort)).toBe(true);
    expect(isClientAbort(new Error('blob write failed', { cause: new ClientAbortError(nodeAbort) }))).toBe(true);
  });

  it('does not take other failures for one', () => {
    expect(isClientAbort(new Error('aborted'))).toBe(false);
    expect(isClientAbort(Object.assign(new Error('connect'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isClientAbort('aborted')).toBe(false);
    expect(isClientAbort(undefined)).toBe(false);
  });
});
