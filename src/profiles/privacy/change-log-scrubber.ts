import { externalKey } from '../identity/identifier';
import { stableJson } from '../ingest/stable-json';
import { ChangeCause, ChangePayload } from '../store/write-plan';

/** What an erased person left that may show up in another profile's change log. */
export interface ErasedTraces {
  /** stableJson of each identifier value and identifying trait value the person had. */
  values: Set<string>;
  /** `connectionId:externalId` of each of the person's source records. */
  sourceKeys: Set<string>;
  /** Merges the person took part in: their merge and split rows say who was linked, and how. */
  mergeIds: Set<string>;
}

export interface ChangePayloads {
  changes: ChangePayload | null;
  cause: ChangeCause | null;
}

/** Ids are kept on a merge or split row of the person's merges; everything else there goes. */
const MERGE_ID_FIELDS = ['mergeId', 'mergedIds', 'mergedInto', 'restoredIds'] as const;

/**
 * Collects the values an erased person's source records and identifiers carried. Booleans and
 * nulls say nothing about who someone is, and would match half of any other profile's history.
 */
export function erasedValues(
  identifierValues: string[],
  traitSets: Record<string, unknown>[],
): Set<string> {
  const values = new Set(identifierValues.map((value) => stableJson(value)));
  for (const traits of traitSets) {
    for (const value of Object.values(traits)) {
      if (value !== null && value !== undefined && typeof value !== 'boolean') {
        values.add(stableJson(value));
      }
    }
  }
  return values;
}

/**
 * Another profile's change-log row with the erased person taken out, or null when it holds
 * nothing of theirs:
 * - a merge or split row of one of the person's merges keeps only ids (which merge, which
 *   profiles): its link identifier and trait diff are the person's data, or derived from it;
 * - any other row loses the trait changes, added identifiers and link whose value was the
 *   person's (a trait change is dropped whole: half a before/after pair would mislead);
 * - the cause loses the person's record ids.
 */
export function scrubChange(row: ChangePayloads, erased: ErasedTraces): ChangePayloads | null {
  const changes = row.changes ? scrubPayload(row.changes, erased) : null;
  const cause = row.cause ? scrubCause(row.cause, erased) : null;
  const same = stableJson(changes) === stableJson(row.changes);
  return same && stableJson(cause) === stableJson(row.cause) ? null : { changes, cause };
}

function scrubPayload(changes: ChangePayload, erased: ErasedTraces): ChangePayload {
  if (changes.mergeId !== undefined && erased.mergeIds.has(changes.mergeId)) {
    const kept: ChangePayload = {};
    for (const field of MERGE_ID_FIELDS) {
      if (changes[field] !== undefined) Object.assign(kept, { [field]: changes[field] });
    }
    return kept;
  }
  const scrubbed: ChangePayload = { ...changes };
  const isErased = (value: unknown) => erased.values.has(stableJson(value ?? null));
  if (changes.traits) {
    scrubbed.traits = Object.fromEntries(
      Object.entries(changes.traits).filter(
        ([, change]) => !isErased(change.before) && !isErased(change.after),
      ),
    );
  }
  if (changes.identifiersAdded) {
    scrubbed.identifiersAdded = changes.identifiersAdded.filter((i) => !isErased(i.value));
  }
  if (
    changes.linkedBy &&
    (isErased(changes.linkedBy.value) || erased.sourceKeys.has(changes.linkedBy.value))
  ) {
    delete scrubbed.linkedBy;
  }
  return scrubbed;
}

function scrubCause(cause: ChangeCause, erased: ErasedTraces): ChangeCause {
  if (!cause.externalIds) return cause;
  // One connection: bare vendor ids; several: `connectionId:vendorId` (see profileCause).
  const keyOf = (id: string) => (cause.connectionId ? externalKey(cause.connectionId, id) : id);
  return {
    ...cause,
    externalIds: cause.externalIds.filter((id) => !erased.sourceKeys.has(keyOf(id))),
  };
}
