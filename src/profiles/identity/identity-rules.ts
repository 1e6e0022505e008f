import { Identifier, LinkingIdentifierType } from './identifier';

export interface IdentityLimits {
  emailsPerProfile: number;
  phonesPerProfile: number;
  externalIdsPerConnection: number;
}

export const DEFAULT_IDENTITY_LIMITS: IdentityLimits = {
  emailsPerProfile: 5,
  phonesPerProfile: 5,
  externalIdsPerConnection: 1,
};

/**
 * The guards against over-merging (config/identity.json): identifiers that never link, and
 * how many identifiers of each kind one profile may hold. Values in `blockedValues` are
 * already normalized.
 */
export class IdentityRules {
  private readonly blockedValues: Set<string>;

  constructor(
    blockedValues: Identifier[],
    private readonly blockedPatterns: { type: LinkingIdentifierType; pattern: RegExp }[],
    readonly limits: IdentityLimits,
  ) {
    this.blockedValues = new Set(blockedValues.map((id) => `${id.type}:${id.value}`));
  }

  isBlocked(identifier: Identifier): boolean {
    if (this.blockedValues.has(`${identifier.type}:${identifier.value}`)) return true;
    return this.blockedPatterns.some(
      (rule) => rule.type === identifier.type && rule.pattern.test(identifier.value),
    );
  }

  limitFor(type: LinkingIdentifierType): number {
    return type === 'email' ? this.limits.emailsPerProfile : this.limits.phonesPerProfile;
  }
}

/** Injection token for the loaded `IdentityRules`. */
export const IDENTITY_RULES = Symbol('IDENTITY_RULES');
