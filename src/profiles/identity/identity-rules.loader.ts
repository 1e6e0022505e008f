import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../../bootstrap/startup-error';
import { LinkingIdentifierType } from './identifier';
import {
  DEFAULT_IDENTITY_LIMITS,
  DEFAULT_IDENTITY_LINKS,
  IdentityLimits,
  IdentityLinks,
  IdentityRules,
} from './identity-rules';
import { normalizeEmail } from './normalize-email';
import { normalizePhone } from './normalize-phone';

export const IDENTITY_CONFIG_ENV = 'SYNCLINE_IDENTITY_CONFIG';
/** Relative to the working directory, so it resolves the same from src/ (ts-node) and dist/. */
export const DEFAULT_IDENTITY_CONFIG_PATH = join(process.cwd(), 'config/identity.json');

interface IdentityConfigFile {
  blockList?: {
    values?: { type: string; value: string }[];
    patterns?: { type: string; pattern: string }[];
  };
  limits?: Partial<IdentityLimits>;
  links?: Partial<IdentityLinks>;
}

/** Reads config/identity.json (or `$SYNCLINE_IDENTITY_CONFIG`), failing fast on a bad file. */
export function loadIdentityRules(
  defaultPhoneRegion: string,
  // Blank counts as unset, as for every other variable.
  path = process.env[IDENTITY_CONFIG_ENV]?.trim() || DEFAULT_IDENTITY_CONFIG_PATH,
): IdentityRules {
  let parsed: IdentityConfigFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as IdentityConfigFile;
  } catch (error) {
    throw new StartupError(`Cannot read identity rules ${path}: ${(error as Error).message}`);
  }
  return parseIdentityRules(parsed, defaultPhoneRegion, path);
}

export function parseIdentityRules(
  file: IdentityConfigFile,
  defaultPhoneRegion: string,
  source = 'identity config',
): IdentityRules {
  const fail = (field: string, message: string): never => {
    throw new StartupError(`Invalid ${source}: ${field} ${message}`);
  };
  const type = (value: string, field: string): LinkingIdentifierType =>
    value === 'email' || value === 'phone' ? value : fail(field, 'must be "email" or "phone"');

  const values = (file.blockList?.values ?? []).map((entry, index) => {
    const field = `blockList.values[${index}]`;
    const kind = type(entry.type, `${field}.type`);
    const normalized =
      kind === 'email'
        ? normalizeEmail(entry.value)
        : // Blocked phones are often deliberately invalid (+10000000000): keep them verbatim
          // when libphonenumber refuses them, so they still match the pattern-free case.
          (normalizePhone(entry.value, defaultPhoneRegion) ?? String(entry.value).trim());
    return { type: kind, value: normalized ?? fail(`${field}.value`, 'is not a valid email') };
  });
  const patterns = (file.blockList?.patterns ?? []).map((entry, index) => {
    const field = `blockList.patterns[${index}]`;
    try {
      return { type: type(entry.type, `${field}.type`), pattern: new RegExp(entry.pattern) };
    } catch (error) {
      if (error instanceof StartupError) throw error;
      return fail(`${field}.pattern`, `is not a valid regular expression`);
    }
  });
  const limits = { ...DEFAULT_IDENTITY_LIMITS, ...file.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) fail(`limits.${key}`, 'must be an integer ≥ 1');
  }
  const links = { ...DEFAULT_IDENTITY_LINKS, ...file.links };
  for (const [key, value] of Object.entries(links)) {
    if (typeof value !== 'boolean') fail(`links.${key}`, 'must be true or false');
  }
  return new IdentityRules(values, patterns, limits, links);
}
