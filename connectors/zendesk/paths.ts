/** Resource paths, appended to the `…/api/v2` base URL. */
export const ME_PATH = '/users/me.json';
export const INCREMENTAL_USERS_PATH = '/incremental/users/cursor.json';
export const SHOW_MANY_USERS_PATH = '/users/show_many.json';
export const SEARCH_USERS_PATH = '/users/search.json';
export const CREATE_OR_UPDATE_USER_PATH = '/users/create_or_update.json';

export const userPath = (id: string): string => `/users/${encodeURIComponent(id)}.json`;
export const userIdentitiesPath = (id: string): string =>
  `/users/${encodeURIComponent(id)}/identities.json`;
export const userIdentityPath = (id: string, identityId: string): string =>
  `/users/${encodeURIComponent(id)}/identities/${encodeURIComponent(identityId)}.json`;
export const makePrimaryIdentityPath = (id: string, identityId: string): string =>
  `/users/${encodeURIComponent(id)}/identities/${encodeURIComponent(identityId)}/make_primary.json`;
export const deletedUserPath = (id: string): string =>
  `/deleted_users/${encodeURIComponent(id)}.json`;

/** Ids (or external ids) one `show_many` call accepts. */
export const SHOW_MANY_MAX_IDS = 100;
/** Largest page the incremental export serves. */
export const INCREMENTAL_MAX_PAGE_SIZE = 1000;
