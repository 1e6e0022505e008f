/**
 * Every contact property this connector maps. Always requested explicitly: without a
 * `properties` list HubSpot returns a small default set that leaves out phone and address.
 */
export const CONTACT_PROPERTIES = [
  'email',
  'phone',
  'firstname',
  'lastname',
  'company',
  'jobtitle',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'lifecyclestage',
  'createdate',
  'lastmodifieddate',
  'hs_object_id',
] as const;

export type ContactProperty = (typeof CONTACT_PROPERTIES)[number];

export const CONTACTS_PATH = '/crm/v3/objects/contacts';
export const CONTACTS_SEARCH_PATH = '/crm/v3/objects/contacts/search';
export const CONTACTS_BATCH_READ_PATH = '/crm/v3/objects/contacts/batch/read';
export const CONTACTS_BATCH_UPSERT_PATH = '/crm/v3/objects/contacts/batch/upsert';
export const CONTACTS_BATCH_UPDATE_PATH = '/crm/v3/objects/contacts/batch/update';
export const CONTACTS_GDPR_DELETE_PATH = '/crm/v3/objects/contacts/gdpr-delete';
/** The account (portal) the access token belongs to. */
export const ACCOUNT_DETAILS_PATH = '/account-info/v3/details';

/** Most inputs one batch write accepts. */
export const BATCH_WRITE_MAX_INPUTS = 100;

/** Set by HubSpot itself; writing them is refused (`READ_ONLY_VALUE`). */
export const READ_ONLY_PROPERTIES: ReadonlySet<string> = new Set([
  'hs_object_id',
  'createdate',
  'lastmodifieddate',
]);
