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

/** CopyData message size: big enough to amortise messages, small enough to stay in cache. */
const CHUNK_BYTES = 64 * 1024;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * Appends `rows` with `COPY <table> (<columns>) FROM STDIN`, `line` giving each row in COPY text
 * format (see copy-text.ts); resolves with the rows copied. No rows, no round trip. COPY is the
 * cheapest way to append rows: no parameters to encode, no JSON document to parse server-side,
 * one input function per column value.
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
  line: (row: T) => string,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(sql, rows, line, resolve, reject));
  });
}

class CopyIn<T> implements Submittable {
  private copied = 0;
  private failed = false;
  private encodingError?: Error;

  constructor(
    private readonly sql: string,
    private readonly rows: readonly T[],
    private readonly line: (row: T) => string,
    private readonly resolve: (rows: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  submit(connection: unknown): void {
    (connection as CopyInConnection).query(this.sql);
  }

  /**
   * Rows are encoded into one reused buffer and sent a chunk at a time (pg copies each chunk
   * into its message), so a batch never exists as one large string: that string, and the
   * garbage collections spent copying it while it was alive, were a large part of ingest's CPU.
   */
  handleCopyInResponse(connection: unknown): void {
    const copy = connection as CopyInConnection;
    try {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let length = 0;
      for (const row of this.rows) {
        const text = this.line(row);
        const maxBytes = text.length * MAX_UTF8_BYTES_PER_UNIT;
        if (length + maxBytes > CHUNK_BYTES) {
          if (length > 0) copy.sendCopyFromChunk(chunk.subarray(0, length));
          length = 0;
          if (maxBytes > CHUNK_BYTES) {
            copy.sendCopyFromChunk(Buffer.from(text, 'utf8'));
            continue;
          }
        }
        length += chunk.write(text, length, 'utf8');
      }
      if (length > 0) copy.sendCopyFromChunk(chunk.subarray(0, length));
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
