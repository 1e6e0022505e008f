/** Resource paths, appended to the `…/3.0` base URL. */
export const listPath = (listId: string) => `/lists/${encodeURIComponent(listId)}`;
export const membersPath = (listId: string) => `${listPath(listId)}/members`;
export const memberPath = (listId: string, hash: string) =>
  `${membersPath(listId)}/${encodeURIComponent(hash)}`;
export const memberTagsPath = (listId: string, hash: string) => `${memberPath(listId, hash)}/tags`;
export const deletePermanentPath = (listId: string, hash: string) =>
  `${memberPath(listId, hash)}/actions/delete-permanent`;

/** Mailchimp's maximum `count` for list members. */
export const MEMBERS_PAGE_SIZE = 1000;

/**
 * What `mapIn` reads. Asking for only these keeps a 1000-member page small (a full member
 * carries stats, location, `_links` and more).
 */
const MEMBER_FIELDS = [
  'id',
  'email_address',
  'status',
  'merge_fields',
  'language',
  'vip',
  'tags',
  'list_id',
  'last_changed',
  'timestamp_opt',
  'timestamp_signup',
];
export const MEMBER_FIELDS_PARAM = MEMBER_FIELDS.join(',');
export const MEMBERS_FIELDS_PARAM = [
  ...MEMBER_FIELDS.map((field) => `members.${field}`),
  'total_items',
].join(',');
