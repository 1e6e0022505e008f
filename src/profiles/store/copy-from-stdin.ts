import type { Submittable } from 'pg';
import { copyJson, copyText } from './copy-text';

/** The part of pg's (untyped) protocol connection a COPY IN needs. */
interface CopyInConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/** Anything with pg's `client.query(submittable)`, such as the client behind a TypeORM query runner. */
export interface SubmittingClient {
  query<T extends Submittable>(submittable: T): T;
}

/** CopyData message size: big enough to amortise messages, small enough to stay in cache. */
const CHUNK_BYTES = 64 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Writes one row's columns in COPY text format (see copy-text.ts), in the order of the
 * statement's column list. Values go straight into the outgoing buffer: no string per row.
 */
export interface CopyRowWriter {
  /** Text known to need no escaping: uuids, ISO 8601 timestamps, enum words. */
  plain(value: string): CopyRowWriter;
  /** Any text, or null. */
  text(value: string | null | undefined): CopyRowWriter;
  /** A json/jsonb value, or null. */
  json(value: unknown): CopyRowWriter;
  /** A bytea column from hex. */
  hexBytes(hex: string): CopyRowWriter;
  bool(value: boolean): CopyRowWriter;
}

/**
 * Appends `rows` with `COPY <table> (<columns>) FROM STDIN`, `write` giving each row's columns;
 * resolves with the rows copied. No rows, no round trip. COPY is the cheapest way to append
 * rows: no parameters to encode, no JSON document to parse server-side, one input function per
 * column value.
 *
 * pg has no COPY API of its own (the pg-copy-streams package adds a streaming one); this is the
 * small submittable such packages are built on. A server error (a unique violation from a
 * concurrent batch, say) rejects with pg's DatabaseError, code included, so callers retry as for
 * any other statement.
 */
export function copyRows<T>(
  client: SubmittingClient,
  sql: string,
  rows: readonly T[],
  write: (row: T, columns: CopyRowWriter) => void,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(sql, rows, write, resolve, reject));
  });
}

/**
 * The outgoing chunk, shared by every COPY of the process: a COPY is encoded synchronously,
 * start to end, and pg copies each chunk into its own message before the next is written.
 */
class CopyEncoder implements CopyRowWriter {
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private length = 0;
  private firstColumn = true;
  private connection!: CopyInConnection;

  /** Encodes every row, sending full chunks as they fill, and the rest at the end. */
  encode<T>(
    connection: CopyInConnection,
    rows: readonly T[],
    write: (row: T, columns: CopyRowWriter) => void,
  ): void {
    this.connection = connection;
    this.length = 0;
    for (const row of rows) {
      this.firstColumn = true;
      write(row, this);
      this.byte(NEWLINE);
    }
    this.flush();
  }

  plain(value: string): this {
    this.separate();
    this.put(value);
    return this;
  }

  text(value: string | null | undefined): this {
    return this.plain(copyText(value));
  }

  json(value: unknown): this {
    return this.plain(copyJson(value));
  }

  hexBytes(hex: string): this {
    this.separate();
    this.put('\\\\x');
    this.put(hex);
    return this;
  }

  bool(value: boolean): this {
    this.separate();
    this.byte(value ? 0x74 : 0x66); // t / f
    return this;
  }

  private separate(): void {
    if (this.firstColumn) this.firstColumn = false;
    else this.byte(TAB);
  }

  private byte(value: number): void {
    if (this.length === CHUNK_BYTES) this.flush();
    this.chunk[this.length] = value;
    this.length += 1;
  }

  private put(text: string): void {
    const maxBytes = text.length * MAX_UTF8_BYTES_PER_UNIT;
    if (this.length + maxBytes > CHUNK_BYTES) {
      this.flush();
      // Rows may span CopyData messages, and so may a value too big for one chunk.
      if (maxBytes > CHUNK_BYTES) {
        this.connection.sendCopyFromChunk(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.length += this.chunk.write(text, this.length, 'utf8');
  }

  private flush(): void {
    if (this.length > 0) this.connection.sendCopyFromChunk(this.chunk.subarray(0, this.length));
    this.length = 0;
  }
}

const encoder = new CopyEncoder();

class CopyIn<T> implements Submittable {
  private copied = 0;
  private failed = false;
  private encodingError?: Error;

  constructor(
    private readonly sql: string,
    private readonly rows: readonly T[],
    private readonly write: (row: T, columns: CopyRowWriter) => void,
    private readonly resolve: (rows: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: unknown): void {
    (connection as CopyInConnection).query(this.sql);
  }

  /**
   * Rows are encoded into one reused buffer and sent a chunk at a time, so a batch never
   * exists as one large string, nor as a string per row: those strings, and the garbage
   * collections spent on them, were a large part of ingest's CPU.
   */
  handleCopyInResponse(connection: unknown): void {
    const copy = connection as CopyInConnection;
    try {
      encoder.encode(copy, this.rows, this.write);
      copy.endCopyFrom();
    } catch (error) {
      // A row that cannot be encoded (a circular raw payload, say): abort the COPY, so the
      // connection stays usable, and report this error rather than the server's echo of it.
      this.encodingError = error as Error;
      copy.sendCopyFail(String(error));
    }
  }

  handleCommandComplete(message: { text: string }): void {
    this.copied = Number(/(\d+)$/.exec(message.text)?.[1] ?? 0);
  }

  // pg detaches the active query before passing an error on, so ReadyForQuery will not reach us.
  handleError(error: Error): void {
    this.failed = true;
    this.reject(this.encodingError ?? error);
  }

  handleReadyForQuery(): void {
    if (!this.failed) this.resolve(this.copied);
  }

  // Other backend messages cannot answer a COPY IN; pg calls these only if they arrive anyway.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}
