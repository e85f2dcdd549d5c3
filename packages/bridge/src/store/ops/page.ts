/** Keyset pagination over row ids, newest first: pass the previous page's `nextBefore` as `before`. */
export interface PageRequest {
  /** Rows per page. */
  readonly limit: number;
  /** Only rows with an id below this one. */
  readonly before?: number | undefined;
}

/** One page of rows, newest first. */
export interface Page<T> {
  readonly items: readonly T[];
  /** `before` of the next (older) page, or null when this is the last one. */
  readonly nextBefore: number | null;
}

/** Builds a {@link Page} from `limit + 1` fetched rows: the extra row only proves that another page exists. */
export function toPage<T extends { readonly id: number }>(rows: readonly T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextBefore: rows.length > limit && last ? last.id : null };
}
