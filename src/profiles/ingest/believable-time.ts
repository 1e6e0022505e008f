/**
 * How far a vendor's time for a version may run ahead of when Syncline saw that version: clock
 * skew between two well-run clocks, with room to spare.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Whether a vendor's time for a version (milliseconds) runs further ahead of when Syncline saw
 * the version than clocks can disagree, so it must not be believed: the time it was seen stands
 * in. A version dated in the future outranks every real one until then, so a vendor clock gone
 * wrong, a record saved with a far-future `updatedAt`, or a replayed webhook given a forged
 * time would freeze the record (a tombstone dated 2099 makes every later edit "stale").
 */
export function isBeyondClockSkew(claimedMs: number, seenMs: number): boolean {
  return claimedMs - seenMs > MAX_CLOCK_SKEW_MS;
}
