/**
 * Query parameters read amoCRM-style from the raw URL: `filter[external_id]=a`, `filter[external_id][]=a` and
 * `filter[external_id][0]=a` all mean the same list. Fastify's default parser keeps brackets as part of the key.
 */
export class QueryParams {
  readonly #params: URLSearchParams;

  constructor(url: string) {
    const query = url.indexOf('?');
    this.#params = new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
  }

  /** Every value given for `name`, `name[]` or `name[<index>]`, or undefined when the parameter is absent. */
  list(name: string): string[] | undefined {
    const values: string[] = [];
    let present = false;
    for (const [key, value] of this.#params) {
      if (
        key === name ||
        key === `${name}[]` ||
        (key.startsWith(`${name}[`) && /^\[\d+\]$/.test(key.slice(name.length)))
      ) {
        present = true;
        values.push(value);
      }
    }
    return present ? values : undefined;
  }

  /** The first value of `name`. */
  get(name: string): string | undefined {
    return this.#params.get(name) ?? undefined;
  }

  /** The comma-separated `with` parameter as a set. */
  withSet(): Set<string> {
    return new Set(
      (this.list('with') ?? [])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    );
  }
}

/** Page and limit of a list call, or why they are invalid (`status` 400, or 422 for a limit above 250 as amoCRM). */
export type Paging =
  | { readonly ok: true; readonly page: number; readonly limit: number }
  | { readonly ok: false; readonly status: 400 | 422; readonly detail: string };

/** Largest page amoCRM serves (spec 5.2, 5.5). */
export const MAX_PAGE_LIMIT = 250;

/** Reads `page` (default 1) and `limit` (default 50, at most 250). */
export function readPaging(query: QueryParams): Paging {
  const page = query.get('page') ?? '1';
  const limit = query.get('limit') ?? '50';
  if (!/^\d+$/.test(page) || Number(page) < 1)
    return { ok: false, status: 400, detail: 'page must be a positive integer' };
  if (!/^\d+$/.test(limit) || Number(limit) < 1) {
    return { ok: false, status: 400, detail: 'limit must be a positive integer' };
  }
  if (Number(limit) > MAX_PAGE_LIMIT) return { ok: false, status: 422, detail: `Limit ${MAX_PAGE_LIMIT} per page` };
  return { ok: true, page: Number(page), limit: Number(limit) };
}
