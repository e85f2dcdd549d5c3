/** One line of the install result page. */
export interface ResultLine {
  readonly ok: boolean;
  readonly text: string;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The plain page a person sees after installing the integration: a title ("Connected" or what failed), one line per
 * step with a mark, and what to do next. No script, no external resources; every text is escaped.
 */
export function renderResultPage(input: {
  readonly title: string;
  readonly ok: boolean;
  readonly lines: readonly ResultLine[];
  readonly next: string;
}): string {
  const items = input.lines
    .map((line) => `<li class="${line.ok ? 'ok' : 'failed'}">${line.ok ? '✔' : '✘'} ${escapeHtml(line.text)}</li>`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(input.title)}</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1d2733; }
      h1 { font-size: 1.5rem; color: ${input.ok ? '#1d7a3a' : '#b3261e'}; }
      ul { list-style: none; padding: 0; } li { margin: .4rem 0; } .ok { color: #1d7a3a; } .failed { color: #b3261e; }
      p.next { margin-top: 1.5rem; padding: .75rem 1rem; background: #f2f4f7; border-radius: 6px; }
    </style>
  </head>
  <body>
    <h1 id="result" data-ok="${input.ok}">${escapeHtml(input.title)}</h1>
    <ul>
      ${items}
    </ul>
    <p class="next">${escapeHtml(input.next)}</p>
  </body>
</html>
`;
}
