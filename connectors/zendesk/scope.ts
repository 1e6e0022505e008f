import type { ZendeskConfig, ZendeskRecord, ZendeskUser, ZendeskUserLeftOut } from './types';

/** The role of a helpdesk's customers; `agent` and `admin` are its staff. */
export const END_USER_ROLE = 'end-user';

/**
 * Whether the connection takes users with this role. A helpdesk's agents and admins (the
 * account owner among them) are not its customers: taken, they would become profiles and be
 * pushed to the CRM, the audience and the shop like anyone. Only end-users are taken, unless
 * `config.includeStaff`; a user without a role is not known to be a customer.
 */
export function takesRole(
  role: string | undefined,
  config: Pick<ZendeskConfig, 'includeStaff'> | undefined,
): boolean {
  return config?.includeStaff === true || role === END_USER_ROLE;
}

/** The user as the connection hands it on: whole, or left out. */
export function scopeUser(user: ZendeskUser, config: ZendeskConfig): ZendeskRecord {
  if (takesRole(user.role, config)) return user;
  return leftOutUser(user.id, String(user.role ?? 'unknown'), user.updated_at ?? user.created_at);
}

export function leftOutUser(
  id: number,
  role: string,
  updatedAt: string | undefined,
): ZendeskUserLeftOut {
  return { leftOut: 'staff', id, role, ...(updatedAt ? { updated_at: updatedAt } : {}) };
}

export function isLeftOut(raw: ZendeskRecord): raw is ZendeskUserLeftOut {
  return (raw as Partial<ZendeskUserLeftOut>).leftOut === 'staff';
}
