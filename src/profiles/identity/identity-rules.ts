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

/** How identifiers link records, beyond the block list and the limits. */
export interface IdentityLinks {
  /**
   * Whether a phone alone links a record that has an email to a profile holding other emails
   * and none of the record's. Default true: one person's records with a work and a private
   * address meet through their phone. False suits businesses whose customers share phones
   * (households, front desks), where Alice's record joining Bob's profile would put her email
   * and name into his records in every tool: such a record stays apart, with a `shared-phone`
   * conflict. Like the limits, this makes the outcome depend on the order records arrive in
   * (which of two addresses meets a phone-only record first).
   */
  phoneAcrossEmails: boolean;
}

export const DEFAULT_IDENTITY_LINKS: IdentityLinks = { phoneAcrossEmails: true };

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
    readonly links: IdentityLinks = DEFAULT_IDENTITY_LINKS,
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
