/** The query of a URL, a URLSearchParams, a path with a query, or a bare query string. */
export function queryOf(input: URL | URLSearchParams | string): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  const at = input.indexOf('?');
  return new URLSearchParams(at >= 0 ? input.slice(at + 1) : input);
}
