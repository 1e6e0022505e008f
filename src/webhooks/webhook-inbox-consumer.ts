import type Redis from 'ioredis';
import { INBOX_ENTRY_FIELD, WebhookInboxKeys } from './webhook-inbox';

/** The consumer group every relay reads the inbox stream through. */
export const INBOX_GROUP = 'relay';

export interface InboxEntry {
  /** The stream entry id (`<ms>-<seq>`), unique and increasing. */
  id: string;
  /** The event's `WebhookJobData` as JSON; undefined if the entry lacks the field. */
  payload: string | undefined;
}

/** A stream entry as Redis answers it: id, then field and value pairs (null once deleted). */
type RawEntry = [id: string, fields: string[] | null];

/**
 * The reading end of the webhook inbox, for one relay: a consumer of the `relay` group. Reads
 * block on a connection of their own, so the process's shared client stays free for commands.
 * An entry read is pending for this consumer until `remove`; if the process dies first,
 * another relay claims it once it has been idle long enough.
 */
export class WebhookInboxConsumer {
  constructor(
    private readonly reader: Redis,
    private readonly commands: Redis,
    private readonly keys: WebhookInboxKeys,
    readonly name: string,
  ) {}

  /** Creates the group if needed, from the stream's start: entries added before any relay ran count. */
  async ensureGroup(): Promise<void> {
    try {
      await this.commands.xgroup('CREATE', this.keys.stream, INBOX_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** Up to `count` entries no consumer has read yet, waiting up to `blockMs` for the first. */
  async readNew(count: number, blockMs: number): Promise<InboxEntry[]> {
    return this.read(count, blockMs, '>');
  }

  /** Entries this consumer read but did not remove (a relay step that failed half-way). */
  async readOwnPending(count: number): Promise<InboxEntry[]> {
    return this.read(count, undefined, '0');
  }

  /** Takes over up to `count` entries that another consumer read and left idle for `minIdleMs`. */
  async claimAbandoned(minIdleMs: number, count: number): Promise<InboxEntry[]> {
    const [, claimed] = (await this.commands.xautoclaim(
      this.keys.stream,
      INBOX_GROUP,
      this.name,
      minIdleMs,
      '0-0',
      'COUNT',
      count,
    )) as [string, (RawEntry | null)[]];
    // Entries deleted meanwhile come back as null (Redis 6.2) or not at all (7.0).
    return claimed.filter((entry): entry is RawEntry => entry !== null).map(toEntry);
  }

  /** Acknowledges and deletes entries whose jobs are queued. */
  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const results = await this.commands
      .multi()
      .xack(this.keys.stream, INBOX_GROUP, ...ids)
      .xdel(this.keys.stream, ...ids)
      .exec();
    const failure = results?.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  /** Entries in the stream, relayed or not yet. */
  async length(): Promise<number> {
    return this.commands.xlen(this.keys.stream);
  }

  /**
   * Leaves the group on a clean stop so consumer names of past processes do not pile up; kept
   * while it holds pending entries, which another relay must still be able to claim.
   */
  async leave(): Promise<void> {
    const pending = (await this.commands.xpending(
      this.keys.stream,
      INBOX_GROUP,
      '-',
      '+',
      1,
      this.name,
    )) as unknown[];
    if (pending.length === 0) {
      await this.commands.xgroup('DELCONSUMER', this.keys.stream, INBOX_GROUP, this.name);
    }
  }

  private async read(
    count: number,
    blockMs: number | undefined,
    from: '>' | '0',
  ): Promise<InboxEntry[]> {
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    const answer = (await this.reader.call(
      'XREADGROUP',
      'GROUP',
      INBOX_GROUP,
      this.name,
      'COUNT',
      count,
      ...block,
      'STREAMS',
      this.keys.stream,
      from,
    )) as [stream: string, entries: RawEntry[]][] | null;
    return answer?.[0]?.[1].map(toEntry) ?? [];
  }
}

function toEntry([id, fields]: RawEntry): InboxEntry {
  const at = fields?.indexOf(INBOX_ENTRY_FIELD) ?? -1;
  return { id, payload: fields && at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined };
}
