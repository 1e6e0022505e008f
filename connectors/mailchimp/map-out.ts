import { setPath, type JsonValue, type VendorFields } from '../../src/connector-sdk';
import { MEMBER_WRITE_STATUSES, type MemberWriteStatus } from './types';

export type MemberBody = { [key: string]: JsonValue };

const MERGE_PREFIX = 'merge_fields.';

/**
 * Mapped vendor fields (dot paths) → the member body Mailchimp takes: `merge_fields.X` nest
 * under `merge_fields`, the canonical consent becomes `status`, a canonical address becomes
 * the ADDRESS merge field's shape. Pure: the write decides which fields to pass.
 *
 * A merge field mapped to nothing (null) is sent as `""`, which is how Mailchimp clears one.
 */
export function mapOut(fields: VendorFields): MemberBody {
  const body: MemberBody = {};
  const merges: MemberBody = {};
  for (const [path, value] of Object.entries(fields)) {
    if (path === 'status') {
      const status = memberStatus(value);
      if (status) body.status = status;
    } else if (path.startsWith(MERGE_PREFIX)) {
      const merge = mergeValue(value);
      if (merge !== undefined) merges[path.slice(MERGE_PREFIX.length)] = merge;
    } else if (value !== null) {
      setPath(body, path, typeof value === 'string' ? value.trim() : value);
    }
  }
  if (Object.keys(merges).length > 0) body.merge_fields = merges;
  return body;
}

/**
 * The canonical consent as a status Mailchimp lets an app set; undefined for `cleaned` (and
 * anything else), which is then not sent.
 */
export function memberStatus(value: JsonValue | undefined): MemberWriteStatus | undefined {
  return typeof value === 'string' && (MEMBER_WRITE_STATUSES as readonly string[]).includes(value)
    ? (value as MemberWriteStatus)
    : undefined;
}

function mergeValue(value: JsonValue): JsonValue | undefined {
  if (value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(', ');
  return address(value);
}

/**
 * A canonical address as the ADDRESS merge field (`addr1`, `addr2`, `city`, `state`, `zip`,
 * `country`). Mailchimp rejects the whole member when an address lacks its street, city,
 * state or zip, so an incomplete one is not sent at all: one missing part must not stop the
 * phone or name from reaching Mailchimp.
 */
function address(value: { [key: string]: JsonValue }): MemberBody | undefined {
  const text = (key: string) => {
    const part = value[key];
    return typeof part === 'string' && part.trim() ? part.trim() : undefined;
  };
  const addr1 = text('line1');
  const city = text('city');
  const state = text('region');
  const zip = text('postalCode');
  if (!addr1 || !city || !state || !zip) return undefined;
  const result: MemberBody = { addr1, city, state, zip };
  const addr2 = text('line2');
  const country = text('country');
  if (addr2) result.addr2 = addr2;
  if (country) result.country = country.toUpperCase();
  return result;
}
