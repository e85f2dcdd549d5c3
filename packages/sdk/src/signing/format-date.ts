/** Formats a date as RFC 2822 in UTC, the form amojo expects in the `Date` header: `Wed, 15 Dec 2021 23:12:55 +0000`. */
export function formatRfc2822(date: Date): string {
  // toUTCString() gives "Wed, 15 Dec 2021 23:12:55 GMT"; amojo's docs and the seed vectors use "+0000".
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * Parses an RFC 2822 / RFC 7231 date header; returns `undefined` when it is not a date. The weekday is optional in
 * RFC 2822 (section 3.3: `[ day-of-week "," ] date time`), and some clients omit it.
 */
export function parseHttpDate(value: string): Date | undefined {
  if (!/^(?:[A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|GMT|UTC)$/.test(value))
    return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
