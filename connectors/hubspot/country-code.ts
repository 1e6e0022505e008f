/**
 * HubSpot's `country` is free text ("United States", "France", "fr"). The canonical model wants
 * ISO-3166 alpha-2; this resolves English country names through ICU (bundled with Node) instead
 * of a hand-kept table.
 */
let codeByName: Map<string, string> | undefined;

function namesToCodes(): Map<string, string> {
  if (codeByName) return codeByName;
  codeByName = new Map();
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of letters) {
    for (const second of letters) {
      const code = `${first}${second}`;
      const name = names.of(code);
      // First wins: deprecated codes sort after the current ones sharing a name (FR before FX).
      if (name && !codeByName.has(normalise(name))) codeByName.set(normalise(name), code);
    }
  }
  for (const [alias, code] of Object.entries(COMMON_ALIASES)) codeByName.set(alias, code);
  return codeByName;
}

const COMMON_ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
};

function normalise(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** ISO alpha-2 (upper case) for a code or English name; undefined when unrecognised. */
export function toCountryCode(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^[a-z]{2}$/i.test(trimmed)) return trimmed.toUpperCase();
  return namesToCodes().get(normalise(trimmed));
}
