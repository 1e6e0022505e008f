import type { ConnectorContext, JsonValue, WriteItem } from '../../src/connector-sdk';
import { memberTagsPath } from './paths';
import type { MailchimpConfig, MailchimpCredentials } from './types';

/** The vendor field tags are mapped to; written through the tags endpoint, not the upsert. */
export const TAGS_FIELD = 'tags';

export interface TagChange {
  name: string;
  status: 'active' | 'inactive';
}

/**
 * The tag changes a write makes: the profile's tags not yet held become active, and tags
 * Syncline knew the member had (wrote or read) but the profile no longer has become inactive.
 * Tags added in Mailchimp since are left alone: only what Syncline knew of is removed. A new
 * member gets all of the profile's tags.
 */
export function tagChanges(item: WriteItem): TagChange[] {
  const source = item.externalId ? item.changed : item.fields;
  if (!(TAGS_FIELD in source)) return [];
  const wanted = names(item.fields[TAGS_FIELD]);
  const held = names(item.held?.[TAGS_FIELD]);
  return [
    ...[...wanted].filter((name) => !held.has(name)).map((name) => active(name)),
    ...[...held].filter((name) => !wanted.has(name)).map((name) => inactive(name)),
  ];
}

/** `POST /lists/{id}/members/{hash}/tags`; Mailchimp answers 204, or 400/404 about the member. */
export function writeTags(
  ctx: ConnectorContext<MailchimpConfig, MailchimpCredentials>,
  hash: string,
  tags: TagChange[],
  acceptStatuses: number[],
) {
  return ctx.http.request({
    method: 'POST',
    path: memberTagsPath(ctx.config.listId, hash),
    body: { tags } as unknown as JsonValue,
    acceptStatuses,
  });
}

function names(value: JsonValue | undefined): Set<string> {
  if (!Array.isArray(value)) return new Set();
  return new Set(
    value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()),
  );
}

const active = (name: string): TagChange => ({ name, status: 'active' });
const inactive = (name: string): TagChange => ({ name, status: 'inactive' });
