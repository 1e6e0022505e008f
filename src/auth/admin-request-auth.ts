import { bearerToken } from './bearer-token';
import { TokensService } from './tokens.service';

/**
 * Authenticates a plain (non-Nest) HTTP request as an admin. Browsers cannot send bearer
 * headers to a dashboard, so HTTP Basic with the token as password is accepted too.
 */
export async function isAdminRequest(
  tokens: TokensService,
  authorization: string | undefined,
): Promise<boolean> {
  const presented = bearerToken(authorization) ?? basicPassword(authorization);
  if (!presented) return false;
  const principal = await tokens.authenticate(presented);
  return principal?.role === 'admin';
}

function basicPassword(header: string | undefined): string | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator >= 0 ? decoded.slice(separator + 1) || null : null;
}
