import { randomUUID } from 'node:crypto';

/** 12 bits of the version-7 layout that RFC 9562 allows to be a counter within one millisecond. */
const COUNTER_LIMIT = 0x1000;

let lastMs = 0;
let counter = 0;
/** `xxxxxxxx-xxxx-` for lastMs: formatted once per millisecond, not per id. */
let timePrefix = '';

/**
 * A UUID version 7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter, 62 random bits.
 * Profile ids are the key of `profile` and lead the `profile_id` indexes of identifiers,
 * sources and the change log; random (v4) ids would scatter every insert over all their leaf
 * pages, so each batch dirtied (and after a checkpoint, logged in full) hundreds of pages.
 * Time-ordered ids append to the right edge instead. Monotonic within the process.
 */
export function newProfileId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter += 1;
    if (counter === COUNTER_LIMIT) {
      // More than 4096 ids in one millisecond: borrow the next one rather than repeat.
      ms += 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  if (ms !== lastMs || timePrefix === '') {
    const time = ms.toString(16).padStart(12, '0');
    timePrefix = `${time.slice(0, 8)}-${time.slice(8)}-`;
  }
  lastMs = ms;
  // The v4 random part already carries the RFC 4122 variant bits at position 19.
  return `${timePrefix}7${counter.toString(16).padStart(3, '0')}-${randomUUID().slice(19)}`;
}
