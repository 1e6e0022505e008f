import { CanonicalTraits } from '../canonical/canonical-traits';
import { stableJson } from '../ingest/stable-json';
import { isEmptyValue } from './is-empty-value';

/**
 * Echoes. When Syncline writes a value to a destination, the destination hands it back (its
 * webhook, its next sync) dated by its own write, which is later than the value really is. A
 * change made in the meantime in the tool the value came from, dated earlier than that write
 * (a second edit within the same second in a tool that stamps to the second, or a delivery that
 * simply arrives late), would then lose to the echo of the value it replaced, everywhere.
 *
 * So the outbound path remembers, per destination and profile, the canonical values it sent and
 * when each was set at its origin; ingest dates a value a destination returns as its origin
 * did, when that value is the one we had sent there at the time of the destination's record.
 */

/** One canonical value sent to a destination. */
export interface SentValue {
  /** As sent: only the parts in `keys` where the mapping sends part of the trait. */
  value: unknown;
  /** When the value was set where it came from (its provenance time), ISO 8601. */
  setAt: string;
  /** When Syncline first sent it there, ISO 8601. */
  sentAt: string;
  /** The parts of an object trait the destination's mapping sends (an address without line 2). */
  keys?: string[];
}

/** Trait name → the values last sent for it, oldest first. */
export type SentValues = Record<string, SentValue[]>;

/** Trait name → the parts of it a mapping sends, or null for all of it. */
export type SentTraitParts = ReadonlyMap<string, readonly string[] | null>;

/**
 * Values kept per trait: the latest, plus earlier ones whose echoes may still be on their way
 * (a destination's webhook for write 1 arriving after write 2 was sent).
 */
const KEPT_PER_TRAIT = 3;

/**
 * How far a destination's clock may run ahead of ours. A record a destination dates up to this
 * long after we sent a newer value can still be the echo of the older one; a person changing
 * the field back in the tool itself that quickly after our write is far less likely.
 */
export const ECHO_CLOCK_SKEW_MS = 5_000;

/**
 * The sent values after sending `traits` (those in `parts` that hold a value) at `sentAt`. A
 * value equal to the latest one sent for its trait keeps that entry: the destination has held
 * it since.
 */
export function recordSent(
  previous: SentValues | undefined,
  traits: CanonicalTraits,
  parts: SentTraitParts,
  setAtOf: (name: string) => string | undefined,
  sentAt: string,
): SentValues {
  const next: SentValues = { ...previous };
  const values = traits as Record<string, unknown>;
  for (const [name, keys] of parts) {
    const value = keys ? pick(values[name], keys) : values[name];
    const setAt = setAtOf(name);
    if (isEmptyValue(value) || setAt === undefined) continue;
    const history = next[name] ?? [];
    const latest = history[history.length - 1];
    if (latest && comparable(latest.value, keys) === comparable(value, keys)) continue;
    const entry: SentValue = { value, setAt, sentAt, ...(keys ? { keys: [...keys] } : {}) };
    next[name] = [...history, entry].slice(-KEPT_PER_TRAIT);
  }
  return next;
}

/** How a destination's record ranks once its echoes of our writes are found. */
export interface FoundEchoes {
  /** The record's trait times, with each echoed trait's set just before its origin's. */
  traitTimes: Record<string, string>;
  /** The echoed traits, sorted: ranked without the destination's priority (a copy asserts nothing). */
  echoedTraits: string[];
}

/** A version of a destination's record, as the store holds it or receives it. */
export interface DestinationVersion {
  traits: CanonicalTraits;
  updatedAt: string;
  traitTimes?: Readonly<Record<string, string>> | null;
  echoedTraits?: readonly string[] | null;
}

/**
 * Finds the traits of a destination's record that are copies of our writes:
 * - a value we had sent there and not replaced (by another value sent, or by the destination's
 *   own, `held`, value) by the time of the record;
 * - or a value unchanged since the version held, where that version's was such a copy (a
 *   record the destination touched for another field still carries our copy, even when a
 *   later write of ours failed).
 * Each is dated just before the value's origin (so the origin, or anything set since, outranks
 * the copy) and loses the destination's priority: a CRM ranked above the shop outranks it with
 * what its users enter, not with the shop's own name copied there by Syncline. Undefined when
 * no trait is a copy.
 */
export function findEchoes(
  record: DestinationVersion,
  sent: SentValues | undefined,
  held: DestinationVersion | undefined,
  siblings: readonly DestinationVersion[] = [],
): FoundEchoes | undefined {
  let found: FoundEchoes | undefined;
  const values = record.traits as Record<string, unknown>;
  const names = new Set([...Object.keys(sent ?? {}), ...(held?.echoedTraits ?? [])]);
  for (const name of [...names].sort()) {
    const value = values[name];
    if (isEmptyValue(value)) continue;
    const recordTime = timeOf(record, name);
    const originTime = echoOrigin(
      name,
      value,
      recordTime,
      sent?.[name] ?? [],
      held,
      siblingsOwnSince(name, value, siblings),
    );
    if (originTime === undefined) continue;
    found ??= { traitTimes: { ...record.traitTimes }, echoedTraits: [] };
    found.echoedTraits.push(name);
    if (originTime < recordTime) found.traitTimes[name] = originTime;
  }
  return found;
}

/** The time a copy of `value` ranks with, or undefined when it is not a copy. */
function echoOrigin(
  name: string,
  value: unknown,
  recordTime: string,
  history: readonly SentValue[],
  held: DestinationVersion | undefined,
  siblingsOwnSince: string,
): string | undefined {
  const heldValue = held ? (held.traits as Record<string, unknown>)[name] : undefined;
  const unchanged = !isEmptyValue(heldValue) && stableJson(heldValue) === stableJson(value);
  if (unchanged && held?.echoedTraits?.includes(name)) return timeOf(held, name);
  // The destination's own value, held, replaced whatever we had sent there before it.
  const heldOwnSince =
    !unchanged && !isEmptyValue(heldValue) && !held?.echoedTraits?.includes(name)
      ? timeOf(held!, name)
      : '';
  const ownSince = heldOwnSince > siblingsOwnSince ? heldOwnSince : siblingsOwnSince;
  const echoed = echoedValue(history, value, Date.parse(recordTime), ownSince);
  return echoed && new Date(Date.parse(echoed.setAt) - 1).toISOString();
}

/**
 * The latest time another record of the same destination and person (a Mailchimp member under
 * the address it had before an address change) held a value of its own for the trait, other than
 * `value`: that too replaced what we had sent there, so a member changing their address back is
 * not taken for our old write of it.
 */
function siblingsOwnSince(
  name: string,
  value: unknown,
  siblings: readonly DestinationVersion[],
): string {
  let latest = '';
  for (const sibling of siblings) {
    const own = (sibling.traits as Record<string, unknown>)[name];
    if (isEmptyValue(own) || sibling.echoedTraits?.includes(name)) continue;
    if (stableJson(own) === stableJson(value)) continue;
    const at = timeOf(sibling, name);
    if (at > latest) latest = at;
  }
  return latest;
}

/**
 * The sent value a record's value copies: equal to it (in the parts sent), sent after the
 * destination's own value `ownSince`, and still the value we had sent there at the record's
 * time (no different value sent more than the clock skew before that time).
 */
function echoedValue(
  history: readonly SentValue[],
  value: unknown,
  recordTime: number,
  ownSince: string,
): SentValue | undefined {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const entry = history[i];
    if (comparable(entry.value, entry.keys) !== comparable(value, entry.keys)) continue;
    if (entry.sentAt < ownSince) return undefined;
    const replacedBy = history[i + 1];
    if (!replacedBy || recordTime < Date.parse(replacedBy.sentAt) + ECHO_CLOCK_SKEW_MS) {
      return entry;
    }
    return undefined;
  }
  return undefined;
}

function timeOf(version: DestinationVersion, name: string): string {
  return version.traitTimes?.[name] ?? version.updatedAt;
}

/** A value as compared: only the parts sent, and empty parts the same as missing ones. */
function comparable(value: unknown, keys: readonly string[] | null | undefined): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return stableJson(value);
  }
  const parts = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const key of keys ?? Object.keys(parts)) {
    if (!isEmptyValue(parts[key])) kept[key] = parts[key];
  }
  return stableJson(kept);
}

/** The named parts of an object trait; anything else as it is. */
function pick(value: unknown, keys: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const parts = value as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (!isEmptyValue(parts[key])) picked[key] = parts[key];
  return picked;
}
