/**
 * The incremental export's cursors. Zendesk's are base64 of `"<unix seconds>.0||<id>|"`
 * (e.g. `MTU3NjYxMzUzOS4wfHw0Njd8`): a position in the stream ordered by `updated_at`, then
 * id. These are built the same way; clients must treat them as opaque.
 */
export interface ExportPosition {
  /** `updated_at` of the last user delivered, ms (whole seconds). */
  updatedAt: number;
  id: number;
}

export function encodeExportCursor(position: ExportPosition): string {
  return Buffer.from(`${Math.floor(position.updatedAt / 1000)}.0||${position.id}|`).toString(
    'base64',
  );
}

export function decodeExportCursor(cursor: string): ExportPosition | undefined {
  const match = Buffer.from(cursor, 'base64')
    .toString('utf8')
    .match(/^(\d+)\.0\|\|(\d+)\|$/);
  if (!match) return undefined;
  return { updatedAt: Number(match[1]) * 1000, id: Number(match[2]) };
}

/** After `position` in (updated_at, id) order. */
export function isAfter(user: ExportPosition, position: ExportPosition): boolean {
  return (
    user.updatedAt > position.updatedAt ||
    (user.updatedAt === position.updatedAt && user.id > position.id)
  );
}
