import { failures } from './bot-api-failure.js';

// The tags Telegram's HTML parse mode accepts (Bot API "HTML style"); anything else is refused, so a bridge that
// forgets to escape `<`, `>` or `&` in a manager's text gets the same 400 it would get from Telegram.
const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Parses a text sent with `parse_mode: "HTML"` as Telegram does and returns the text the user sees. */
export function visibleTextOfHtml(html: string): string {
  const open: string[] = [];
  let out = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z-]*)(\s[^<>]*)?>/.exec(html.slice(i));
      if (!tag) throw failures.badRequest(`can't parse entities: Unexpected end of name token at byte offset ${i}`);
      const [whole, closing, rawName] = tag;
      const name = rawName!.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) {
        throw failures.badRequest(
          `can't parse entities: Unsupported ${closing ? 'end' : 'start'} tag "${name}" at byte offset ${i}`,
        );
      }
      if (closing) {
        if (open.pop() !== name) {
          throw failures.badRequest(`can't parse entities: Unexpected end tag at byte offset ${i}`);
        }
      } else {
        open.push(name);
      }
      i += whole.length;
      continue;
    }
    if (ch === '&') {
      const entity = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(html.slice(i));
      const body = entity?.[1];
      let decoded: string | undefined;
      if (body?.startsWith('#x')) decoded = String.fromCodePoint(Number.parseInt(body.slice(2), 16));
      else if (body?.startsWith('#')) decoded = String.fromCodePoint(Number.parseInt(body.slice(1), 10));
      else if (body) decoded = NAMED_ENTITIES[body];
      if (decoded === undefined) {
        throw failures.badRequest(`can't parse entities: Character entity expected at byte offset ${i}`);
      }
      out += decoded;
      i += entity![0].length;
      continue;
    }
    if (ch === '>') throw failures.badRequest(`can't parse entities: Unexpected character ">" at byte offset ${i}`);
    out += ch;
    i += 1;
  }
  if (open.length) {
    throw failures.badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  }
  return out;
}
