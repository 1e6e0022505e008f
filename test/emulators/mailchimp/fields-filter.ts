/**
 * Mailchimp's `fields` / `exclude_fields` query parameters: comma-separated dot paths
 * (`members.email_address,total_items`); a path into an array applies to each element.
 */
type Json = unknown;

export function selectFields(body: Json, fields?: string, exclude?: string): Json {
  let result = body;
  const include = paths(fields);
  if (include.length > 0) result = pick(result, include);
  for (const path of paths(exclude)) result = omit(result, path);
  return result;
}

function paths(value?: string): string[][] {
  return (value ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean)
    .map((path) => path.split('.'));
}

function pick(node: Json, selected: string[][]): Json {
  if (Array.isArray(node)) return node.map((item) => pick(item, selected));
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string, Json>;
  const out: Record<string, Json> = {};
  const byHead = new Map<string, string[][]>();
  for (const [head, ...rest] of selected) {
    const list = byHead.get(head) ?? [];
    list.push(rest);
    byHead.set(head, list);
  }
  for (const [head, rests] of byHead) {
    if (!(head in source)) continue;
    // A path ending here takes the whole value; deeper paths take parts of it.
    out[head] = rests.some((rest) => rest.length === 0) ? source[head] : pick(source[head], rests);
  }
  return out;
}

function omit(node: Json, path: string[]): Json {
  if (Array.isArray(node)) return node.map((item) => omit(item, path));
  if (!node || typeof node !== 'object') return node;
  const [head, ...rest] = path;
  const copy = { ...(node as Record<string, Json>) };
  if (!(head in copy)) return copy;
  if (rest.length === 0) delete copy[head];
  else copy[head] = omit(copy[head], rest);
  return copy;
}
