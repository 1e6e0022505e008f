/**
 * PHP-style form encoding, as Mailchimp posts webhooks: nested objects become bracketed keys
 * (`data[merges][FNAME]=Ann`), spaces become `+`.
 */
export type FormInput = string | number | boolean | null | undefined | { [key: string]: FormInput };

export function encodeForm(input: { [key: string]: FormInput }): string {
  const params = new URLSearchParams();
  const walk = (prefix: string, value: FormInput) => {
    if (value === undefined) return;
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(`${prefix}[${key}]`, child);
      return;
    }
    params.append(prefix, value === null ? '' : String(value));
  };
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && typeof value === 'object') {
      for (const [child, nested] of Object.entries(value)) walk(`${key}[${child}]`, nested);
    } else {
      walk(key, value);
    }
  }
  // URLSearchParams escapes brackets; Mailchimp sends them as-is, which PHP and we both read.
  return params.toString().replace(/%5B/g, '[').replace(/%5D/g, ']');
}
