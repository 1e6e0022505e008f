import type { Connector, MappedRecord } from '../connector-sdk/connector.types';

/**
 * A vendor record through the connector's `mapIn`, held to the one rule the runtime enforces
 * on what comes out: a connector writes custom traits only under its own name
 * (`custom.<manifest.name>`). Written under another's, its values would win survivorship over
 * that connector's own and be pushed to that tool as if it had said them. The record then fails
 * alone, like any record `mapIn` cannot handle.
 */
export function mapVendorRecord(
  connector: Pick<Connector, 'mapIn' | 'manifest'>,
  raw: unknown,
): MappedRecord {
  if (!connector.mapIn) throw new Error(`connector ${connector.manifest.name} has no mapIn`);
  const record = connector.mapIn(raw);
  const custom = record.traits?.custom;
  if (custom && typeof custom === 'object') {
    const foreign = Object.keys(custom).filter(
      (namespace) => namespace !== connector.manifest.name,
    );
    if (foreign.length > 0) {
      throw new Error(
        `mapIn wrote custom.${foreign.join(', custom.')}; connector ${connector.manifest.name} may write only custom.${connector.manifest.name}`,
      );
    }
  }
  return record;
}
