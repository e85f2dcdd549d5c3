/**
 * Long texts. amoCRM documents no length limit for a chat message (spec 3.4.4, section 8), so the bridge sets its
 * own: a customer text over {@link AMOJO_TEXT_LIMIT} characters is refused at the inbound port with a 400 naming both
 * lengths (the http channel and the widget refuse it even earlier, with the same number). Towards a customer, a
 * channel that declares `maxTextLength` gets a longer manager text as several messages ({@link splitLongText}).
 */

/** The longest customer text (or caption) the bridge sends to amoCRM, characters (not documented by amoCRM). */
export const AMOJO_TEXT_LIMIT = 10_000;

/**
 * Splits a text into parts of at most `limit` characters (UTF-16 code units, as JavaScript and most messengers count),
 * preferring a paragraph break, then a line break, then a space in the second half of each part; never splits a
 * surrogate pair. Parts are trimmed of the break they were split at; their concatenation keeps every word.
 */
export function splitLongText(text: string, limit: number): string[] {
  if (limit < 2) throw new RangeError('limit must be at least 2');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = -1;
    for (const mark of ['\n\n', '\n', ' ']) {
      const at = rest.lastIndexOf(mark, limit - mark.length);
      if (at >= limit / 2) {
        cut = at;
        break;
      }
    }
    let next: number;
    if (cut === -1) {
      cut = limit;
      // A cut between the halves of a surrogate pair would leave two broken characters.
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      next = cut;
    } else {
      next = cut;
      while (next < rest.length && /\s/.test(rest[next] ?? '')) next += 1;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(next);
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
