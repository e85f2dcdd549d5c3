/** A query value: arrays become repeated `key[]=` pairs, undefined is left out. */
export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

/**
 * Builds a query string in amoCRM's PHP bracket style, keys unescaped so brackets stay readable.
 * @example bracketQuery({ 'filter[external_id]': ['a', 'b'], page: 2 }) // "?filter[external_id][]=a&filter[external_id][]=b&page=2"
 */
export function bracketQuery(params: Readonly<Record<string, QueryValue>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) parts.push(`${key}[]=${encodeURIComponent(String(item))}`);
    } else {
      parts.push(`${key}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}
