import type { Submittable } from 'pg';

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

/**
 * Writes one row's fields in PostgreSQL's binary COPY format, one call per column of the
 * statement's column list, in order; each method names the column's type. Values go straight
 * into the outgoing buffer.
 */
export interface CopyRowWriter {
  uuid(value: string | null): CopyRowWriter;
  text(value: string | null | undefined): CopyRowWriter;
  /** A time as `toISOString` writes it (the store normalizes every time so), or null. */
  timestamptz(value: string | null | undefined): CopyRowWriter;
  /** A json value; null and undefined are SQL NULL. */
  json(value: unknown): CopyRowWriter;
  /** A jsonb value; null and undefined are SQL NULL. */
  jsonb(value: unknown): CopyRowWriter;
  /** A bytea column from hex. */
  byteaFromHex(hex: string): CopyRowWriter;
  bool(value: boolean): CopyRowWriter;
}

/**
 * Appends `rows` to `table` with `COPY … FROM STDIN (FORMAT binary)`, `write` giving each row's
 * `columns`; resolves with the rows copied. No rows, no round trip. COPY is the cheapest way to
 * append rows, and its binary form the cheapest COPY: the server copies uuids and times as
 * they are, and reads each value by its length instead of scanning the text for delimiters and
 * escapes (which the sender no longer has to write either).
 *
 * pg has no COPY API of its own (the pg-copy-streams package adds a streaming one); this is the
 * small submittable such packages are built on. A server error (a unique violation from a
 * concurrent batch, say) rejects with pg's DatabaseError, code included, so callers retry as for
 * any other statement; a value that cannot be encoded rejects with its own error.
 */
export function copyRows<T>(
  client: SubmittingClient,
  table: string,
  columns: readonly string[],
  rows: readonly T[],
  write: (row: T, columns: CopyRowWriter) => void,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  const sql = `COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`;
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(sql, columns.length, rows, write, resolve, reject));
  });
}

/** CopyData message size: big enough to amortise messages, small enough to stay in cache. */
const CHUNK_BYTES = 64 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;
/** "PGCOPY\n\377\r\n\0", then 32-bit flags (0) and header extension length (0). */
const FILE_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);
const FILE_TRAILER = -1;
const NULL_LENGTH = -1;
const JSONB_VERSION = 1;
/** PostgreSQL's timestamp epoch (2000-01-01T00:00:00Z) in Unix milliseconds. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const TWO_TO_32 = 2 ** 32;
/** `Date.prototype.toISOString` output: UTC, milliseconds, six-digit years outside 0-9999. */
const ISO_MILLISECONDS = /^(\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Hex digit value by character code, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/**
 * The outgoing chunk, shared by every COPY of the process: a COPY is encoded synchronously,
 * start to end, and pg copies each chunk into its own message before the next is written.
 */
class CopyEncoder implements CopyRowWriter {
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private length = 0;
  private fields = 0;
  private connection!: CopyInConnection;

  /** Encodes the header, every row and the trailer, sending chunks as they fill. */
  encode<T>(
    connection: CopyInConnection,
    columnCount: number,
    rows: readonly T[],
    write: (row: T, columns: CopyRowWriter) => void,
  ): void {
    this.connection = connection;
    this.length = 0;
    this.reserve(FILE_HEADER.length);
    this.length += FILE_HEADER.copy(this.chunk, this.length);
    for (const row of rows) {
      this.reserve(2);
      this.length = this.chunk.writeInt16BE(columnCount, this.length);
      this.fields = 0;
      write(row, this);
      if (this.fields !== columnCount) {
        throw new Error(`COPY row has ${this.fields} values for ${columnCount} columns`);
      }
    }
    this.reserve(2);
    this.length = this.chunk.writeInt16BE(FILE_TRAILER, this.length);
    this.flush();
  }

  uuid(value: string | null): this {
    if (value === null) return this.null();
    if (!isDashedUuidShape(value)) throw new Error(`not a UUID: ${value}`);
    this.fieldLength(16);
    let offset = this.length;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i += 1;
      const high = HEX_VALUE[value.charCodeAt(i)] ?? -1;
      const low = HEX_VALUE[value.charCodeAt(i + 1)] ?? -1;
      if (high < 0 || low < 0) throw new Error(`not a UUID: ${value}`);
      this.chunk[offset] = (high << 4) | low;
      offset += 1;
    }
    this.length = offset;
    return this;
  }

  text(value: string | null | undefined): this {
    return value === null || value === undefined ? this.null() : this.string(value, false);
  }

  timestamptz(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.null();
    // Only toISOString's own form: Date.parse would silently drop digits beyond milliseconds.
    const ms = ISO_MILLISECONDS.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw new Error(`not a time: ${value}`);
    const micros = (ms - POSTGRES_EPOCH_MS) * 1000;
    this.fieldLength(8);
    if (Number.isSafeInteger(micros)) {
      const high = Math.floor(micros / TWO_TO_32);
      this.length = this.chunk.writeInt32BE(high, this.length);
      this.length = this.chunk.writeUInt32BE(micros - high * TWO_TO_32, this.length);
    } else {
      // Beyond about 285 years from 2000 the product is no longer exact as a double.
      const exact = BigInt(ms - POSTGRES_EPOCH_MS) * 1000n;
      this.length = this.chunk.writeBigInt64BE(exact, this.length);
    }
    return this;
  }

  json(value: unknown): this {
    const json = value === null || value === undefined ? undefined : JSON.stringify(value);
    return json === undefined ? this.null() : this.string(json, false);
  }

  jsonb(value: unknown): this {
    const json = value === null || value === undefined ? undefined : JSON.stringify(value);
    return json === undefined ? this.null() : this.string(json, true);
  }

  byteaFromHex(hex: string): this {
    if (hex.length % 2 !== 0) throw new Error('odd number of hex digits');
    const bytes = hex.length / 2;
    this.fieldLength(bytes);
    const written = this.chunk.write(hex, this.length, bytes, 'hex');
    if (written !== bytes) throw new Error('not hex');
    this.length += written;
    return this;
  }

  bool(value: boolean): this {
    this.fieldLength(1);
    this.chunk[this.length] = value ? 1 : 0;
    this.length += 1;
    return this;
  }

  private null(): this {
    this.fields += 1;
    this.reserve(4);
    this.length = this.chunk.writeInt32BE(NULL_LENGTH, this.length);
    return this;
  }

  /** Starts a field of `bytes` bytes that fit in one chunk (at most a few dozen). */
  private fieldLength(bytes: number): void {
    this.fields += 1;
    this.reserve(4 + bytes);
    this.length = this.chunk.writeInt32BE(bytes, this.length);
  }

  /** A UTF-8 field, after a jsonb version byte when `jsonb`. */
  private string(value: string, jsonb: boolean): this {
    this.fields += 1;
    const prefix = jsonb ? 1 : 0;
    const maxBytes = value.length * MAX_UTF8_BYTES_PER_UNIT;
    if (4 + prefix + maxBytes <= CHUNK_BYTES) {
      // Written in place, its length filled in after: no second pass over the string.
      this.reserve(4 + prefix + maxBytes);
      const lengthAt = this.length;
      this.length += 4;
      if (jsonb) this.chunk[this.length++] = JSONB_VERSION;
      this.length += this.chunk.write(value, this.length, 'utf8');
      this.chunk.writeInt32BE(this.length - lengthAt - 4, lengthAt);
      return this;
    }
    // Bigger than a chunk: a message of its own (COPY data may be split anywhere).
    const bytes = Buffer.from(value, 'utf8');
    this.reserve(4 + prefix);
    this.length = this.chunk.writeInt32BE(prefix + bytes.length, this.length);
    if (jsonb) this.chunk[this.length++] = JSONB_VERSION;
    this.flush();
    this.connection.sendCopyFromChunk(bytes);
    return this;
  }

  /** Makes room for `bytes` contiguous bytes, sending what the chunk holds if needed. */
  private reserve(bytes: number): void {
    if (this.length + bytes > CHUNK_BYTES) this.flush();
  }

  private flush(): void {
    if (this.length > 0) this.connection.sendCopyFromChunk(this.chunk.subarray(0, this.length));
    this.length = 0;
  }
}

const encoder = new CopyEncoder();

/** 36 characters with dashes at 8, 13, 18 and 23 (the hex digits are checked as they are read). */
function isDashedUuidShape(value: string): boolean {
  return (
    value.length === 36 &&
    value.charCodeAt(8) === 0x2d &&
    value.charCodeAt(13) === 0x2d &&
    value.charCodeAt(18) === 0x2d &&
    value.charCodeAt(23) === 0x2d
  );
}

class CopyIn<T> implements Submittable {
  private copied = 0;
  private failed = false;
  private encodingError?: Error;

  constructor(
    private readonly sql: string,
    private readonly columnCount: number,
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
      encoder.encode(copy, this.columnCount, this.rows, this.write);
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
