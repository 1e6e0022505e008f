import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The helper every libphonenumber-js module calls to test a number against a metadata pattern. */
interface MatchesEntirelyModule {
  default: (text: string | undefined, pattern: string) => boolean;
}

/**
 * The metadata holds a few thousand patterns; anything beyond this many distinct ones is not
 * metadata, so it is tested uncached rather than kept for the life of the process.
 */
const MAX_CACHED_PATTERNS = 20_000;

let installed = false;

/**
 * libphonenumber-js builds a new RegExp from a metadata pattern on every test
 * (`build/helpers/matchesEntirely.js`, as of 1.13): parsing and validating one number builds
 * a dozen, and V8 hashes each long pattern text again to find its compiled code. That was half
 * the cost of normalizing a phone number, and phone numbers are the costliest field ingest
 * normalizes. This replaces the helper's export with one that keeps each compiled expression.
 * The library's modules look the export up at every call (`_matchesEntirely["default"](…)`),
 * so the replacement is seen everywhere; the results are the same, as an expression without
 * the `g` or `y` flag keeps no state between tests.
 *
 * Returns whether the cache is in place. A release that moves or reshapes the helper leaves
 * the library as it is (correct, only slower); the spec fails on such a release so that the
 * upgrade is noticed.
 */
export function installPhonePatternCache(): boolean {
  if (installed) return true;
  const path = join(
    dirname(require.resolve('libphonenumber-js/package.json')),
    'build/helpers/matchesEntirely.js',
  );
  if (!existsSync(path)) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file the package does not export
  const helper = require(path) as Partial<MatchesEntirelyModule>;
  if (typeof helper.default !== 'function' || helper.default.length !== 2) return false;
  const compiled = new Map<string, RegExp>();
  helper.default = (text, pattern) => {
    let expression = compiled.get(pattern);
    if (expression === undefined) {
      expression = new RegExp(`^(?:${pattern})$`);
      if (compiled.size < MAX_CACHED_PATTERNS) compiled.set(pattern, expression);
    }
    return expression.test(text || '');
  };
  installed = true;
  return true;
}
