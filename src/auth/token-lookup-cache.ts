import { AuthenticatedPrincipal } from './authenticated-principal';

/**
 * How long a stored token, once looked up, is trusted without asking the database again. A
 * token revoked through another process is refused within this time; the process that revokes
 * it forgets it at once.
 */
export const TOKEN_CACHE_TTL_MS = 2_000;
/** Bounds memory whatever the number of distinct tokens presented. */
const MAX_ENTRIES = 10_000;

/**
 * Recently authenticated stored tokens by hash, so the bearer guard does not cost a database
 * round trip on every request. Only successful lookups are kept: an unknown token is looked up
 * each time, so a token created elsewhere works at once and guessing fills nothing.
 */
export class TokenLookupCache {
  private readonly entries = new Map<
    string,
    { principal: AuthenticatedPrincipal; expiresAt: number }
  >();
  /**
   * Tokens revoked here, kept for one lifetime: a lookup that read the row before the
   * revocation and finishes after it must not put the token back.
   */
  private readonly revokedUntil = new Map<string, number>();

  get(tokenHash: string, now = Date.now()): AuthenticatedPrincipal | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry.principal;
    this.entries.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, principal: AuthenticatedPrincipal, now = Date.now()): void {
    this.entries.delete(tokenHash);
    if ((this.revokedUntil.get(principal.tokenId) ?? 0) > now) return;
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(tokenHash, { principal, expiresAt: now + TOKEN_CACHE_TTL_MS });
  }

  forgetToken(tokenId: string, now = Date.now()): void {
    for (const [id, until] of this.revokedUntil) if (until <= now) this.revokedUntil.delete(id);
    this.revokedUntil.set(tokenId, now + TOKEN_CACHE_TTL_MS);
    for (const [hash, entry] of this.entries) {
      if (entry.principal.tokenId === tokenId) this.entries.delete(hash);
    }
  }
}
