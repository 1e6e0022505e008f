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
  value: unknown;
  /** When the value was set where it came from (its provenance time), ISO 8601. */
  setAt: string;
  /** When Syncline first sent it there, ISO 8601. */
  sentAt: string;
}

/** Trait name → the values last sent for it, oldest first. */
export type SentValues = Record<string, SentValue[]>;

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
 * The sent values after sending `traits` (the named ones that hold a value) at `sentAt`. A value
 * equal to the latest one sent for its trait keeps that entry: the destination has held it since.
 */
export function recordSent(
  previous: SentValues | undefined,
  traits: CanonicalTraits,
  names: readonly string[],
  setAtOf: (name: string) => string | undefined,
  sentAt: string,
): SentValues {
  const next: SentValues = { ...previous };
  const values = traits as Record<string, unknown>;
  for (const name of names) {
    const value = values[name];
    const setAt = setAtOf(name);
    if (isEmptyValue(value) || setAt === undefined) continue;
    const history = next[name] ?? [];
    const latest = history[history.length - 1];
    if (latest && stableJson(latest.value) === stableJson(value)) continue;
    next[name] = [...history, { value, setAt, sentAt }].slice(-KEPT_PER_TRAIT);
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

/**
 * Finds the traits of a destination's record whose value is what we had sent there when
 * the record was written. Each is dated just before the value's origin (so the origin, or
 * anything set since, outranks the copy) and loses the destination's priority: a CRM ranked
 * above the shop outranks it with what its users enter, not with the shop's own name copied
 * there by Syncline. Undefined when no trait is an echo. `traitTimes` and `updatedAt` are the
 * record's own.
 */
export function findEchoes(
  record: {
    traits: CanonicalTraits;
    updatedAt: string;
    traitTimes?: Readonly<Record<string, string>>;
  },
  sent: SentValues,
): FoundEchoes | undefined {
  let found: FoundEchoes | undefined;
  const values = record.traits as Record<string, unknown>;
  for (const name of Object.keys(sent).sort()) {
    const value = values[name];
    if (isEmptyValue(value)) continue;
    const recordTime = record.traitTimes?.[name] ?? record.updatedAt;
    const echoed = echoedValue(sent[name], stableJson(value), Date.parse(recordTime));
    if (!echoed) continue;
    found ??= { traitTimes: { ...record.traitTimes }, echoedTraits: [] };
    found.echoedTraits.push(name);
    const originTime = new Date(Date.parse(echoed.setAt) - 1).toISOString();
    if (originTime < recordTime) found.traitTimes[name] = originTime;
  }
  return found;
}

/**
 * The sent value a record's value echoes: equal to it, and still the value we had sent there at
 * the record's time (no different value sent more than the clock skew before that time).
 */
function echoedValue(
  history: readonly SentValue[],
  valueJson: string,
  recordTime: number,
): SentValue | undefined {
  for (let i = history.length - 1; i >= 0; i -= 1) {
    if (stableJson(history[i].value) !== valueJson) continue;
    const replacedBy = history[i + 1];
    if (!replacedBy || recordTime < Date.parse(replacedBy.sentAt) + ECHO_CLOCK_SKEW_MS) {
      return history[i];
    }
    return undefined;
  }
  return undefined;
}
