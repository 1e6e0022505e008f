import { randomUUID } from 'node:crypto';
import type { CanonicalTraits } from '../../src/profiles/canonical/canonical-traits';
import type { IngestItem } from '../../src/profiles/ingest/ingest-job';

let counter = 0;

/** A mapped vendor record as a connector's `mapIn` would produce it, ready for `ProfileStore.ingest`. */
export function buildIngestItem(
  overrides: {
    connectionId?: string;
    externalId?: string;
    updatedAt?: string;
    deleted?: boolean;
    outOfScope?: boolean;
    traits?: CanonicalTraits;
    identifiers?: IngestItem['record']['identifiers'];
    traitTimes?: IngestItem['record']['traitTimes'];
    raw?: unknown;
    observedAt?: string;
  } = {},
): IngestItem {
  counter += 1;
  return {
    connectionId: overrides.connectionId ?? randomUUID(),
    record: {
      externalId: overrides.externalId ?? `ext-${counter}`,
      updatedAt: overrides.updatedAt ?? '2024-05-01T10:00:00.000Z',
      ...(overrides.deleted !== undefined ? { deleted: overrides.deleted } : {}),
      ...(overrides.outOfScope !== undefined ? { outOfScope: overrides.outOfScope } : {}),
      traits: overrides.traits ?? {
        email: `person${counter}@acme.io`,
        firstName: `First${counter}`,
      },
      ...(overrides.identifiers ? { identifiers: overrides.identifiers } : {}),
      ...(overrides.traitTimes ? { traitTimes: overrides.traitTimes } : {}),
    },
    raw: overrides.raw ?? { id: overrides.externalId ?? `ext-${counter}` },
    ...(overrides.observedAt ? { observedAt: overrides.observedAt } : {}),
  };
}
