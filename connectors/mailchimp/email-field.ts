import type { VendorFields } from '../../src/connector-sdk';

/** The member's address among mapped vendor fields, trimmed; undefined when absent or blank. */
export function emailOf(fields: VendorFields): string | undefined {
  const value = fields.email_address;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
