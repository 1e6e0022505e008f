import type { TokenRole } from './api-token.entity';

/** Who made a request: the bootstrap token from the environment or a stored token. */
export interface AuthenticatedPrincipal {
  tokenId: string | 'env';
  role: TokenRole;
}

export const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Viewers read; admins read and write. */
export function mayPerform(principal: AuthenticatedPrincipal, method: string, adminOnly: boolean) {
  if (principal.role === 'admin') return true;
  return !adminOnly && READ_ONLY_METHODS.has(method.toUpperCase());
}
