/**
 * Escapes text for Telegram's HTML parse mode: `&`, `<` and `>` (and `"`, harmless and safe inside attributes).
 * Manager text is sent with `parse_mode: "HTML"` so formatting can be added by the bridge, never by the text itself.
 * @example escapeHtml('1 < 2 & <b>') // '1 &lt; 2 &amp; &lt;b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'));
}
