import { type Browser, chromium, type Page } from 'playwright-core';

/** Launches the headless Chromium of the browser tests (`/usr/bin/chromium`, no sandbox, no GPU, no first run). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

/** Options of {@link openPage}. */
export interface OpenPageOptions {
  readonly viewport: { readonly width: number; readonly height: number };
  /** Collects the page's uncaught errors (their messages), for a test to assert there were none. */
  readonly pageErrors?: string[];
  /** The page's default timeout for actions and waits, ms. */
  readonly timeoutMs: number;
}

/** Opens a page in a new browser context. */
export async function openPage(browser: Browser, options: OpenPageOptions): Promise<Page> {
  const page = await (await browser.newContext({ viewport: options.viewport })).newPage();
  const { pageErrors } = options;
  if (pageErrors) page.on('pageerror', (error) => pageErrors.push(error.message));
  page.setDefaultTimeout(options.timeoutMs);
  return page;
}
