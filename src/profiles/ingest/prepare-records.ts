import { createHash, hash as oneShotHash } from 'node:crypto';
import { isUuid } from '../../common/ids/is-uuid';
import type { MappedRecord } from '../../connector-sdk/connector.types';
import { CANONICAL_TRAIT_NAMES, CanonicalTraits } from '../canonical/canonical-traits';
import { IdentityRules } from '../identity/identity-rules';
import { Identifier, identifierKey } from '../identity/identifier';
import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import { isBeyondClockSkew } from './believable-time';
import { IngestItem, IngestResult } from './ingest-job';
import { normalizeTraits } from './normalize-traits';
import { PreparedRecord, compareVersions, sourceKey } from './prepared-record';
import { isEmptyValue } from '../survivorship/is-empty-value';
import { smallSort, sortedKeys } from './small-sort';
import { stableJson } from './stable-json';

const MAX_EXTERNAL_ID_LENGTH = 512;
/**
 * What a record's mapped content (traits and identifiers, as JSON) may weigh. A contact with
 * hundreds of custom properties stays well under it; a vendor field holding a file or a log
 * would otherwise be copied into the profile, every change-log row and every push.
 */
export const MAX_CONTENT_CHARS = 256 * 1024;

export interface PreparedBatch {
  /** One entry per source record (the newest version when the batch holds several). */
  records: PreparedRecord[];
  rejected: IngestResult['rejected'];
  /** Older in-batch versions superseded by a newer one in the same batch. */
  supersededInBatch: number;
}

/**
 * Validates, normalizes and hashes a batch in memory. Each bad item is rejected alone, so
 * one malformed record never fails the rest.
 */
export function prepareRecords(
  items: IngestItem[],
  rules: IdentityRules,
  defaultPhoneRegion: string,
): PreparedBatch {
  const rejected: IngestResult['rejected'] = [];
  const newest = new Map<string, PreparedRecord>();
  let supersededInBatch = 0;
  items.forEach((item, index) => {
    const problem = validate(item);
    if (problem) {
      rejected.push(rejection(item, index, problem));
      return;
    }
    let prepared: PreparedRecord;
    try {
      prepared = prepare(item, index, rules, defaultPhoneRegion);
    } catch (error) {
      // Traits nested past the call stack or too large, a value JSON cannot hold (BigInt): the
      // same record fails the same way on every retry, so it is rejected alone, now, rather
      // than failing its whole batch into per-record retries that end in the dead letters.
      rejected.push(
        rejection(item, index, `record.traits cannot be stored: ${(error as Error).message}`),
      );
      return;
    }
    const key = sourceKey(prepared.connectionId, prepared.externalId);
    const held = newest.get(key);
    if (held) supersededInBatch += 1;
    if (!held || compareVersions(prepared, held) > 0) newest.set(key, prepared);
  });
  return { records: [...newest.values()], rejected, supersededInBatch };
}

function rejection(
  item: IngestItem,
  index: number,
  reason: string,
): IngestResult['rejected'][number] {
  return {
    index,
    connectionId: String(item?.connectionId ?? ''),
    externalId: String(item?.record?.externalId ?? ''),
    reason,
  };
}

function validate(item: IngestItem): string | undefined {
  if (!item || typeof item !== 'object') return 'item is not an object';
  if (!isUuid(item.connectionId)) {
    return 'connectionId must be a UUID';
  }
  const record = item.record;
  if (!record || typeof record !== 'object') return 'record is missing';
  if (typeof record.externalId !== 'string' || record.externalId.trim() === '') {
    return 'record.externalId must be a non-empty string';
  }
  if (record.externalId.length > MAX_EXTERNAL_ID_LENGTH) return 'record.externalId is too long';
  if (
    item.observedAt !== undefined &&
    (typeof item.observedAt !== 'string' || Number.isNaN(Date.parse(item.observedAt)))
  ) {
    return 'observedAt must be an ISO 8601 date';
  }
  if (typeof record.updatedAt !== 'string' || Number.isNaN(Date.parse(record.updatedAt))) {
    return 'record.updatedAt must be an ISO 8601 date';
  }
  if (!record.traits || typeof record.traits !== 'object' || Array.isArray(record.traits)) {
    return 'record.traits must be an object';
  }
  if (record.identifiers !== undefined && !Array.isArray(record.identifiers)) {
    return 'record.identifiers must be an array';
  }
  if (record.outOfScope === true && record.deleted !== true) {
    return 'record.outOfScope must come with deleted: true';
  }
  return traitTimesProblem(record.traitTimes);
}

function prepare(
  item: IngestItem,
  index: number,
  rules: IdentityRules,
  defaultPhoneRegion: string,
): PreparedRecord {
  const { record } = item;
  const connectionId = item.connectionId.toLowerCase();
  const externalId = record.externalId.trim();
  const observedMs = item.observedAt === undefined ? undefined : Date.parse(item.observedAt);
  const observedAt = observedMs === undefined ? undefined : new Date(observedMs).toISOString();
  const claimedMs = Date.parse(record.updatedAt);
  const seenMs = observedMs ?? Date.now();
  const updatedAt = new Date(
    isBeyondClockSkew(claimedMs, seenMs) ? seenMs : claimedMs,
  ).toISOString();
  const deleted = record.deleted === true;
  const traitEmail = normalizeEmail(record.traits.email);
  const traitPhone = normalizePhone(record.traits.phone, defaultPhoneRegion);
  const traits = normalizeTraits(record.traits, defaultPhoneRegion, {
    email: traitEmail,
    phone: traitPhone,
  });
  const candidates: Identifier[] = [];
  if (traitEmail) candidates.push({ type: 'email', value: traitEmail });
  if (traitPhone) candidates.push({ type: 'phone', value: traitPhone });
  for (const extra of record.identifiers ?? []) {
    const value =
      extra?.type === 'email'
        ? normalizeEmail(extra.value)
        : extra?.type === 'phone'
          ? normalizePhone(extra.value, defaultPhoneRegion)
          : undefined;
    if (value) candidates.push({ type: extra.type, value });
  }
  const unique = new Map<string, Identifier>();
  for (const identifier of candidates) {
    if (!rules.isBlocked(identifier)) unique.set(identifierKey(identifier), identifier);
  }
  const identifiers = smallSort([...unique.values()], (a, b) =>
    identifierKey(a) < identifierKey(b) ? -1 : 1,
  );
  const traitTimes = datedTraits(record.traitTimes, traits, updatedAt);
  // Keys listed in sorted order, so stableJson can serialise natively. Trait times only when
  // present: records without them keep the hashes they were stored with.
  const content = stableJson(
    traitTimes === undefined
      ? { connectionId, deleted, externalId, identifiers, traits, updatedAt }
      : { connectionId, deleted, externalId, identifiers, traitTimes, traits, updatedAt },
  );
  if (content.length > MAX_CONTENT_CHARS) {
    throw new RangeError(
      `${Math.ceil(content.length / 1024)} KB of JSON, more than the ${MAX_CONTENT_CHARS / 1024} KB a record may hold`,
    );
  }
  const hash = sha256Hex(content);
  return {
    index,
    connectionId,
    externalId,
    updatedAt,
    ...(observedAt === undefined ? {} : { observedAt }),
    deleted,
    ...(record.outOfScope === true ? { outOfScope: true } : {}),
    traits,
    identifiers,
    ...(traitTimes === undefined ? {} : { traitTimes }),
    hash,
    raw: item.raw ?? null,
  };
}

function traitTimesProblem(traitTimes: unknown): string | undefined {
  if (traitTimes === undefined || traitTimes === null) return undefined;
  if (typeof traitTimes !== 'object' || Array.isArray(traitTimes)) {
    return 'record.traitTimes must be an object of ISO 8601 dates by trait name';
  }
  for (const [name, time] of Object.entries(traitTimes)) {
    if (!(CANONICAL_TRAIT_NAMES as readonly string[]).includes(name) || name === 'custom') {
      return `record.traitTimes.${name} is not a canonical trait`;
    }
    if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time)))) {
      return `record.traitTimes.${name} must be an ISO 8601 date`;
    }
  }
  return undefined;
}

/**
 * The vendor's trait times worth keeping: for traits the record holds, normalized to ISO 8601
 * UTC, and earlier than the record's own (possibly capped) time, which dates every other trait
 * and bounds these. Sorted by name; undefined when none is left.
 */
function datedTraits(
  given: MappedRecord['traitTimes'],
  traits: CanonicalTraits,
  updatedAt: string,
): Record<string, string> | undefined {
  if (!given) return undefined;
  let dated: Record<string, string> | undefined;
  for (const name of sortedKeys(given as Record<string, string | undefined>)) {
    const time = (given as Record<string, string | undefined>)[name];
    if (time === undefined || isEmptyValue((traits as Record<string, unknown>)[name])) continue;
    const iso = new Date(time).toISOString();
    if (iso < updatedAt) (dated ??= {})[name] = iso;
  }
  return dated;
}

/** One-shot hashing where Node has it (≥ 20.12): no Hash object per record. */
function sha256Hex(text: string): string {
  return typeof oneShotHash === 'function'
    ? oneShotHash('sha256', text, 'hex')
    : createHash('sha256').update(text).digest('hex');
}
