// A synchronous PostgreSQL connection (libpq) shaped like the part of better-sqlite3 that drizzle and the core use, so the one model runs on both.
import { createRequire } from 'node:module';
import pgTypes from 'pg-types';
import { errors } from '../errors.js';

const require = createRequire(import.meta.url);

/** The libpq binding's connection (npm `libpq`), typed to what is used here. */
interface PQ {
  connectSync(params: string): void;
  exec(text: string): void;
  execParams(text: string, values: Array<string | null>): void;
  prepare(name: string, text: string, nParams: number): void;
  execPrepared(name: string, values: Array<string | null>): void;
  resultStatus(): string;
  resultErrorMessage(): string;
  resultErrorFields(): { sqlState?: string; messagePrimary?: string; detail?: string } | undefined;
  errorMessage(): string;
  transactionStatus(): string;
  ntuples(): number;
  nfields(): number;
  fname(i: number): string;
  ftype(i: number): number;
  getvalue(row: number, col: number): string;
  getisnull(row: number, col: number): boolean;
  cmdTuples(): string;
  finish(): void;
}

/**
 * Finished connections kept alive for a moment: libpq's binding closes its libuv poll handle without a
 * close callback, so the handle's memory must outlive the next loop turn (freeing it earlier aborts Node).
 */
function finish(pq: PQ): void {
  pq.finish();
  const keep = setTimeout(() => void pq, 1000);
  keep.unref();
}

type Param = string | number | bigint | boolean | null | undefined | Buffer | Uint8Array;

/** What `Statement.run` returns, as better-sqlite3's RunResult. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/** A PostgreSQL error with its SQLSTATE, reworded where the core matches SQLite's wording (unique violations). */
export class PgError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
  ) {
    super(message);
    this.name = 'PgError';
  }
  /** better-sqlite3's spelling of the same condition, for callers that test `code`. */
  get code(): string | undefined {
    return this.sqlState === '23505' ? 'SQLITE_CONSTRAINT_UNIQUE' : this.sqlState;
  }
}

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;
const parsers = new Map<number, (v: string) => unknown>([
  // Counts, sums and bigint columns come back as numbers, as SQLite's integers do (all values here are < 2^53).
  [INT8, Number],
  [NUMERIC, Number],
  [BOOL, (v: string) => (v === 't' ? 1 : 0)],
]);
function parserFor(oid: number): (v: string) => unknown {
  let p = parsers.get(oid);
  if (!p) {
    p = pgTypes.getTypeParser(oid, 'text') as (v: string) => unknown;
    parsers.set(oid, p);
  }
  return p;
}

const NONE: ReadonlyMap<string, string> = new Map();

/** Statements PostgreSQL cannot prepare (transaction control, settings, DDL): sent as they are. */
const UTILITY = /^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|CREATE|DROP|ALTER|LOCK)\b/i;

/** SQL translated once: `?` placeholders numbered, and which parameters are compared as text. */
interface Translated {
  text: string;
  count: number;
  textParams: Set<number>;
}

/**
 * The SQLite spellings drizzle's SQLite dialect emits that PostgreSQL spells otherwise: a table-qualified
 * `ON CONFLICT` target, and `null` for an autoincrement key left to the database (PostgreSQL: `default`).
 */
export function rewriteForPostgres(sql: string, autoIncrement: ReadonlyMap<string, string>): string {
  let out = sql.replace(/\bon conflict \(([^)]*)\)/gi, (_m, cols: string) => `on conflict (${cols.replace(/"[^"]+"\./g, '')})`);
  const ins = /^insert into "([^"]+)" \(([^)]*)\) values /i.exec(out);
  const column = ins && autoIncrement.get(ins[1]!);
  if (ins && column) {
    const at = ins[2]!.split(',').map((c) => c.trim()).indexOf(`"${column}"`);
    if (at >= 0) {
      let i = ins[0].length;
      let rebuilt = out.slice(0, i);
      // Each tuple: replace a `null` in position `at` (drizzle writes nothing else there for an omitted key).
      while (out[i] === '(') {
        let depth = 0;
        let j = i;
        for (; j < out.length; j++) {
          if (out[j] === '(') depth++;
          else if (out[j] === ')' && --depth === 0) break;
        }
        const items = splitTopLevel(out.slice(i + 1, j));
        if (items[at]?.trim().toLowerCase() === 'null') items[at] = 'default';
        rebuilt += `(${items.join(',')})`;
        i = j + 1;
        if (out.startsWith(', ', i)) {
          rebuilt += ', ';
          i += 2;
        }
      }
      out = rebuilt + out.slice(i);
    }
  }
  return out;
}

/** Splits a tuple's text at its top-level commas. */
function splitTopLevel(s: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      items.push(s.slice(start, i));
      start = i + 1;
    }
  }
  items.push(s.slice(start));
  return items;
}

/** `?` → `$n` outside quotes and comments; `CAST(? AS TEXT)` marks a parameter that must be sent as text. */
export function translatePlaceholders(sql: string): Translated {
  let out = '';
  let n = 0;
  const textParams = new Set<number>();
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      n++;
      if (/CAST\($/i.test(out) && /^\s+AS\s+TEXT\s*\)/i.test(sql.slice(i + 1))) textParams.add(n - 1);
      out += `$${n}`;
    } else out += ch;
  }
  return { text: out, count: n, textParams };
}

/** A parameter as libpq's text format wants it. */
function encodeParam(v: Param, asText: boolean): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  const b = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (asText) {
    const s = b.toString('utf8');
    // Only a byte successor past U+10FFFF… is not UTF-8; no stored name sorts after this one.
    return Buffer.from(s).equals(b) ? s : '\u{10FFFF}'.repeat(b.length + 1);
  }
  return `\\x${b.toString('hex')}`;
}

/** Options of one connection. */
export interface PgSyncOptions {
  /** A libpq connection string (`postgres://…`). */
  url: string;
  /** How long a statement may wait for a lock before failing (default 5 s, as SQLite's busy timeout). */
  lockTimeoutMs?: number;
  /** After a lost connection, how long to answer Unavailable before trying to reconnect (default 500 ms). */
  reconnectDelayMs?: number;
  /** Table → its autoincrement key column (drizzle's SQLite inserts write `null` there). */
  autoIncrement?: ReadonlyMap<string, string>;
}

/**
 * One synchronous PostgreSQL connection. Calls block the event loop for one round trip (~0.1 ms on
 * loopback), exactly as better-sqlite3 blocks for a page read; scale-out is by processes. Write
 * transactions take one advisory lock, so they run one at a time across every process, as SQLite's
 * writers do: check-then-write inside a transaction stays atomic without retry loops (ADR
 * docs/adr/postgresql.md). A lost server answers CoreError `unavailable` and is reconnected later.
 */
export class PgSyncDatabase {
  readonly memory = false;
  readonly name: string;
  open = true;
  private pq: PQ | undefined;
  private readonly translated = new Map<string, Translated>();
  private prepared = new Map<string, string>();
  private depth = 0;
  private retryAt = 0;

  constructor(private readonly opts: PgSyncOptions) {
    this.name = opts.url.replace(/\/\/[^@/]*@/, '//');
    this.connect();
  }

  /** Connects (throws the libpq message on failure) and sets the session. */
  private connect(): PQ {
    const Libpq = require('libpq') as new () => PQ;
    const pq = new Libpq();
    try {
      pq.connectSync(this.opts.url);
    } catch (e) {
      finish(pq);
      throw new PgError(String((e as Error).message ?? e).trim(), '08001');
    }
    this.pq = pq;
    this.prepared = new Map();
    this.execRaw(`SET lock_timeout = ${this.opts.lockTimeoutMs ?? 5000}; SET client_min_messages = warning`);
    return pq;
  }

  private conn(): PQ {
    if (this.pq) return this.pq;
    if (Date.now() < this.retryAt) throw errors.unavailable('The database is unreachable.');
    try {
      return this.connect();
    } catch {
      this.retryAt = Date.now() + (this.opts.reconnectDelayMs ?? 500);
      throw errors.unavailable('The database is unreachable.');
    }
  }

  /** Raises the result's error, dropping the connection if it was lost (the next call reconnects). */
  private check(pq: PQ, sql?: string): void {
    const status = pq.resultStatus();
    if (status === 'PGRES_COMMAND_OK' || status === 'PGRES_TUPLES_OK' || status === 'PGRES_EMPTY_QUERY') return;
    const fields = pq.resultErrorFields();
    const message = (pq.resultErrorMessage() || pq.errorMessage()).trim();
    if (!fields?.sqlState || fields.sqlState.startsWith('08') || pq.transactionStatus() === 'PQTRANS_UNKNOWN') {
      finish(pq);
      this.pq = undefined;
      this.depth = 0;
      this.retryAt = Date.now() + (this.opts.reconnectDelayMs ?? 500);
      throw errors.unavailable('The database connection was lost.');
    }
    throw new PgError(sql ? `${message} (in: ${sql.slice(0, 300)})` : message, fields.sqlState);
  }

  private execRaw(text: string): void {
    const pq = this.pq!;
    pq.exec(text);
    this.check(pq);
  }

  /** Runs one statement; rows as objects, or as arrays when `raw`. */
  query(sql: string, params: Param[], raw: boolean): { rows: unknown[]; changes: number } {
    let t = this.translated.get(sql);
    if (!t) {
      t = translatePlaceholders(rewriteForPostgres(sql, this.opts.autoIncrement ?? NONE));
      this.translated.set(sql, t);
    }
    const pq = this.conn();
    const values = params.map((p, i) => encodeParam(p, t.textParams.has(i)));
    if (UTILITY.test(t.text)) {
      if (t.count) pq.execParams(t.text, values);
      else pq.exec(t.text);
      this.check(pq, t.text);
      return { rows: [], changes: 0 };
    }
    let name = this.prepared.get(t.text);
    if (!name) {
      name = `s${this.prepared.size + 1}`;
      pq.prepare(name, t.text, t.count);
      this.check(pq, t.text);
      this.prepared.set(t.text, name);
    }
    pq.execPrepared(name, values);
    this.check(pq, t.text);
    const nrows = pq.ntuples();
    const nf = pq.nfields();
    const names: string[] = [];
    const parse: Array<(v: string) => unknown> = [];
    for (let c = 0; c < nf; c++) {
      names.push(pq.fname(c));
      parse.push(parserFor(pq.ftype(c)));
    }
    const rows: unknown[] = new Array(nrows);
    for (let r = 0; r < nrows; r++) {
      if (raw) {
        const row: unknown[] = new Array(nf);
        for (let c = 0; c < nf; c++) row[c] = pq.getisnull(r, c) ? null : parse[c]!(pq.getvalue(r, c));
        rows[r] = row;
      } else {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < nf; c++) row[names[c]!] = pq.getisnull(r, c) ? null : parse[c]!(pq.getvalue(r, c));
        rows[r] = row;
      }
    }
    const tuples = pq.cmdTuples();
    return { rows, changes: tuples ? Number(tuples) : 0 };
  }

  /** better-sqlite3's `prepare`: a reusable statement (translated and server-prepared on first use). */
  prepare(sql: string): PgStatement {
    return new PgStatement(this, sql);
  }

  /** Runs SQL text with no parameters (several statements allowed). */
  exec(sql: string): this {
    this.conn();
    this.execRaw(sql);
    return this;
  }

  /** Pragmas have no PostgreSQL meaning; `journal_mode` answers `postgres` so SQLite-only paths stand aside. */
  pragma(source: string, opts?: { simple?: boolean }): unknown {
    const v = /^\s*journal_mode\s*$/i.test(source) ? 'postgres' : undefined;
    return opts?.simple ? v : [];
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /**
   * better-sqlite3's `transaction`: the returned function runs `fn` in a transaction (a savepoint when
   * nested) and commits, or rolls back and rethrows. `.deferred/.immediate/.exclusive` are the same.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & Record<'deferred' | 'immediate' | 'exclusive', (...args: A) => R> {
    const run = (...args: A): R => {
      this.conn();
      const nested = this.depth > 0;
      const sp = `sb_sp${this.depth}`;
      this.execRaw(nested ? `SAVEPOINT ${sp}` : 'BEGIN; SELECT pg_advisory_xact_lock(7468290117)');
      this.depth++;
      let result: R;
      try {
        result = fn(...args);
      } catch (error) {
        this.depth--;
        if (this.pq) {
          try {
            this.execRaw(nested ? `ROLLBACK TO SAVEPOINT ${sp}; RELEASE SAVEPOINT ${sp}` : 'ROLLBACK');
          } catch {
            // The connection was lost mid-rollback: the server rolls back on its own.
          }
        }
        throw error;
      }
      this.depth--;
      this.execRaw(nested ? `RELEASE SAVEPOINT ${sp}` : 'COMMIT');
      return result;
    };
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  close(): void {
    this.open = false;
    if (this.pq) finish(this.pq);
    this.pq = undefined;
  }
}

/** A prepared statement with better-sqlite3's call shapes (`run/get/all`, `raw()`, `pluck()`). */
export class PgStatement {
  private rawMode = false;
  private pluckMode = false;
  readonly reader: boolean;

  constructor(
    private readonly db: PgSyncDatabase,
    readonly source: string,
  ) {
    this.reader = /^\s*(SELECT|WITH|VALUES)\b/i.test(source) || /\bRETURNING\b/i.test(source);
  }

  raw(on = true): this {
    this.rawMode = on;
    return this;
  }

  pluck(on = true): this {
    this.pluckMode = on;
    return this;
  }

  run(...params: Param[]): RunResult {
    return { changes: this.db.query(this.source, params, true).changes, lastInsertRowid: 0 };
  }

  all(...params: Param[]): unknown[] {
    const { rows } = this.db.query(this.source, params, this.rawMode || this.pluckMode);
    return this.pluckMode ? rows.map((r) => (r as unknown[])[0]) : rows;
  }

  get(...params: Param[]): unknown {
    return this.all(...params)[0];
  }
}
