/**
 * A linking identifier after normalization. External ids (connection + vendor id) are not in
 * this union: they are the keys of source records, which already belong to exactly one profile.
 */
export type LinkingIdentifierType = 'email' | 'phone';

export interface Identifier {
  type: LinkingIdentifierType;
  value: string;
}

/** Stable text form, used as a map key and in lock/suppression hashes. */
export function identifierKey(identifier: Identifier): string {
  return `${identifier.type}:${identifier.value}`;
}

/** The text form of an external identifier: `connectionId:vendorId` (as the API accepts it). */
export function externalKey(connectionId: string, externalId: string): string {
  return `${connectionId}:${externalId}`;
}
