import type { Page } from 'playwright-core';
import { reportOnFailure } from './failure-reports.js';

const MAX_LINES = 200;
const clip = (text: string, length = 160) => (text.length > length ? `${text.slice(0, length)}…` : text);
/** A frame as the trace shows it: a visitor token is a credential, so only its length is kept. */
const shown = (payload: string) =>
  clip(payload.replace(/"token":"([^"]*)"/g, (_, token: string) => `"token":"(${token.length} chars)"`));

/**
 * Records what a widget page did on the network: each WebSocket (opened, its first frames each way, closed, failed),
 * failed requests, console lines and uncaught errors, with the time since tracing began. Printed when a test of the
 * file fails (see `failure-reports.ts`), so a widget that never connected says whether its socket was never opened,
 * refused, stalled, or opened without a frame.
 */
export function traceWidgetPage(page: Page, label = 'widget page'): void {
  const started = Date.now();
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(`+${String(Date.now() - started).padStart(6)} ms ${line}`);
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
  };
  let sockets = 0;
  page.on('websocket', (socket) => {
    const n = ++sockets;
    let received = 0;
    let sent = 0;
    note(`socket ${n} opening ${socket.url()}`);
    socket.on('framereceived', ({ payload }) => {
      if (++received <= 3) note(`socket ${n} received ${shown(String(payload))}`);
    });
    socket.on('framesent', ({ payload }) => {
      if (++sent <= 3) note(`socket ${n} sent ${shown(String(payload))}`);
    });
    socket.on('socketerror', (error) => note(`socket ${n} error ${error}`));
    socket.on('close', () => note(`socket ${n} closed after ${received} frames in, ${sent} out`));
  });
  page.on('requestfailed', (request) =>
    note(`request failed ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`),
  );
  page.on('console', (message) => note(`console.${message.type()} ${clip(message.text(), 300)}`));
  page.on('pageerror', (error) => note(`page error ${clip(error.message, 300)}`));
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) note(`navigated to ${frame.url()}`);
  });
  const remove = reportOnFailure(label, async () => {
    const state = page.isClosed()
      ? 'the page is closed'
      : await page
          .evaluate(() => {
            // The widget draws in a shadow root: its markup says what the visitor sees (connecting, offline, a form).
            const widgets = [...document.querySelectorAll('*')]
              .map((element) =>
                [...(element.shadowRoot?.children ?? [])]
                  .filter((child): child is HTMLElement => child instanceof HTMLElement && child.tagName !== 'STYLE')
                  .map((child) => child.outerHTML)
                  .join(' ')
                  .slice(0, 800),
              )
              .filter(Boolean);
            return `navigator.onLine=${navigator.onLine}; widget: ${widgets.join(' | ') || '(none drawn)'}`;
          })
          .catch((error: unknown) => `(could not read the page: ${String(error)})`);
    return [...lines, `now: ${state}`].join('\n');
  });
  // Kept past the page's close (a failure after a second tab still shows what this one did), not its context's.
  page.once('close', () => note('page closed'));
  page.context().once('close', remove);
}
