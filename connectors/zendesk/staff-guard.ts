import type { ConnectorContext } from '../../src/connector-sdk';
import {
  emailIdentities,
  sameAddress,
  searchUsersByEmail,
  searchUsersByExternalId,
} from './lookup';
import type { ZendeskUserBody } from './map-out';
import { takesRole } from './scope';
import type { ZendeskConfig, ZendeskCredentials, ZendeskUser } from './types';

type Ctx = ConnectorContext<ZendeskConfig, ZendeskCredentials>;

/**
 * Staff (agents and admins) are not the helpdesk's customers (scope.ts), and their account is
 * their sign-in: unless `config.includeStaff`, Syncline writes no customer data into one.
 */
export function guardsStaff(config: Pick<ZendeskConfig, 'includeStaff'> | undefined): boolean {
  return config?.includeStaff !== true;
}

const NOT_TO_STAFF = 'Syncline does not write to staff (config.includeStaff is off)';

/** The refusal for writing to `user`, an update by id; undefined when the user is a customer. */
export function refuseStaff(user: ZendeskUser, config: ZendeskConfig): string | undefined {
  if (takesRole(user.role, config)) return undefined;
  return `Zendesk user ${user.id} is ${withArticle(user.role)}; ${NOT_TO_STAFF}`;
}

/**
 * The refusal for `POST /users/create_or_update.json` with `body`, when the user it would
 * update is staff. It updates the user it matches on `external_id`, else on email (any of
 * their email identities), so that is who is looked up first: search finds the address's
 * primary holder at once, and Zendesk lets an address belong to one user only, so a staff
 * result holding it elsewhere is only confirmed (through their identities) when no one holds
 * it as their primary. An end-user holding it is who the write is for.
 */
export async function refuseUpsertOntoStaff(
  ctx: Ctx,
  body: ZendeskUserBody,
): Promise<string | undefined> {
  if (typeof body.external_id === 'string') {
    const externalId = body.external_id;
    const linked = (await searchUsersByExternalId(ctx, externalId)).find((user) =>
      sameAddress(user.external_id, externalId),
    );
    if (linked) return refuseMatch(linked, "this profile's id as its external_id", ctx.config);
  }
  if (typeof body.email !== 'string') return undefined;
  const email = body.email;
  const found = await searchUsersByEmail(ctx, email);
  const primary = found.find((user) => sameAddress(user.email, email));
  if (primary) return refuseMatch(primary, "this profile's email", ctx.config);
  for (const user of found) {
    if (takesRole(user.role, ctx.config)) continue;
    const identities = await emailIdentities(ctx, String(user.id));
    if (identities?.some((identity) => sameAddress(identity.value, email))) {
      return refuseMatch(user, "this profile's email among their addresses", ctx.config);
    }
  }
  return undefined;
}

function refuseMatch(user: ZendeskUser, what: string, config: ZendeskConfig): string | undefined {
  if (takesRole(user.role, config)) return undefined;
  return `Zendesk user ${user.id}, ${withArticle(user.role)}, has ${what}; ${NOT_TO_STAFF}`;
}

function withArticle(role: string | undefined): string {
  return role ? `an ${role}` : 'a user without a role';
}
