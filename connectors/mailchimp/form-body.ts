/**
 * Mailchimp posts webhooks as `application/x-www-form-urlencoded` with PHP-style nested keys
 * (`data[merges][FNAME]=Ann`). This turns such a body into nested objects of strings.
 */
export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

/** Keys that would reach `Object.prototype` through the nested assignment. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

export function parseFormBody(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = keyPath(key);
    if (!path || path.some((part) => UNSAFE_KEYS.has(part))) continue;
    let node = root;
    for (const part of path.slice(0, -1)) {
      const child = node[part];
      if (typeof child !== 'object') node[part] = {};
      node = node[part] as FormObject;
    }
    node[path[path.length - 1]] = value;
  }
  return root;
}

/** `data[merges][FNAME]` → `['data', 'merges', 'FNAME']`; undefined for a malformed key. */
function keyPath(key: string): string[] | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const brackets = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...brackets];
}

/** The string at `key`, or undefined when absent or nested. */
export function formText(node: FormValue | undefined, key: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = node[key];
  return typeof value === 'string' ? value : undefined;
}

/** The object at `key`, or undefined when absent or a plain string. */
export function formObject(node: FormValue | undefined, key: string): FormObject | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = node[key];
  return value && typeof value === 'object' ? value : undefined;
}
