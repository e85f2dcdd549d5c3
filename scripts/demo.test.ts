// `npm start` as a newcomer runs it: the real script in a child process, its printed URLs opened in headless
// Chromium, a visitor message reaching the manager inbox and the answer coming back; Ctrl-C; a second start with the
// same data folder still shows the conversation on both sides.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../packages/bridge/test/support/ports.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const VISITOR = 'Olga Demo';
const HELLO = 'Hi! Is the spring bouquet available?';
const ANSWER = 'Yes, we have three left today.';

interface Demo {
  readonly child: ChildProcess;
  readonly visitorUrl: string;
  readonly inboxUrl: string;
  readonly output: () => string;
  /** Sends SIGINT and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `node scripts/start.mjs` and waits until it prints the two URLs. */
function startDemo(env: Record<string, string>): Promise<Demo> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo printed no URLs within 90 s:\n${output}`));
    }, 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const visitor = /Visitor:.*?(http:\/\/\S+\/webchat\/demo)\s/.exec(output);
      const inbox = /Manager:.*?(http:\/\/\S+\/)\s/.exec(output);
      if (!visitor || !inbox || !output.includes('Press Ctrl-C to stop')) return;
      clearTimeout(timer);
      resolve({
        child,
        visitorUrl: visitor[1]!,
        inboxUrl: inbox[1]!,
        output: () => output,
        stop: () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before printing its URLs:\n${output}`));
    });
  });
}

describe('npm start (scripts/start.mjs)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let browser: Browser;
  let visitorContext: BrowserContext;
  let managerContext: BrowserContext;
  const demos: Demo[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'amojo-demo-'));
    // Fixed for both runs: the visitor's localStorage belongs to the page's origin, port included.
    env = {
      DEMO_DATA_DIR: dataDir,
      SANDBOX_PORT: String(await freePort()),
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    managerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    for (const demo of demos) if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    await browser?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function pages(): Promise<{ site: Page; inbox: Page }> {
    const site = await visitorContext.newPage();
    const inbox = await managerContext.newPage();
    for (const page of [site, inbox]) page.setDefaultTimeout(20_000);
    return { site, inbox };
  }

  it('brings the demo up, carries a conversation, stops on SIGINT with 0 and keeps it for the next start', async () => {
    const first = await startDemo(env);
    demos.push(first);
    expect(first.visitorUrl).toBe(`http://localhost:${env.PORT}/webchat/demo`);
    expect(first.inboxUrl).toBe(`http://127.0.0.1:${env.SANDBOX_PORT}/`);
    // The admin token is kept in the data folder and never printed.
    const token = readFileSync(join(dataDir, 'demo-admin-token'), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(first.output()).not.toContain(token);

    const { site, inbox } = await pages();
    await site.goto(first.visitorUrl);
    await site.getByRole('button', { name: 'Open chat' }).click();
    // The pre-chat form: the first field (name) has focus; Enter submits.
    await site.keyboard.type(VISITOR);
    await site.keyboard.press('Enter');
    const box = site.getByRole('textbox', { name: 'Message' });
    await box.fill(HELLO);
    await box.press('Enter');
    const log = site.getByRole('log', { name: 'Messages' });
    await log.getByText(HELLO).waitFor();

    await inbox.goto(first.inboxUrl);
    await inbox.getByRole('button', { name: new RegExp(`^Open chat with ${VISITOR}`) }).click();
    const thread = inbox.getByRole('list', { name: 'Messages' });
    await thread.getByText(HELLO).waitFor();
    const reply = inbox.getByLabel('Message text');
    await reply.fill(ANSWER);
    await reply.press('Enter');
    await log.getByText(ANSWER).waitFor();
    await site.close();
    await inbox.close();

    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('Stopped.');
    expect(existsSync(join(dataDir, 'sandbox-state.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'amojo-bridge.sqlite'))).toBe(true);

    // Second run, same data folder: the inbox and the visitor's widget (same browser profile) still have it all.
    const second = await startDemo(env);
    demos.push(second);
    const again = await pages();
    await again.inbox.goto(second.inboxUrl);
    await again.inbox.getByRole('button', { name: new RegExp(`^Open chat with ${VISITOR}`) }).click();
    const thread2 = again.inbox.getByRole('list', { name: 'Messages' });
    await thread2.getByText(HELLO).waitFor();
    await thread2.getByText(ANSWER).waitFor();
    await again.site.goto(second.visitorUrl);
    await again.site.getByRole('button', { name: /^Open chat/ }).click();
    const log2 = again.site.getByRole('log', { name: 'Messages' });
    await log2.getByText(HELLO).waitFor();
    await log2.getByText(ANSWER).waitFor();
    // No second lead, no second chat: the same conversation continues.
    await expect(
      again.inbox.getByRole('button', { name: new RegExp(`^Open chat with ${VISITOR}`) }).count(),
    ).resolves.toBe(1);
    await again.site.close();
    await again.inbox.close();
    expect(await second.stop()).toBe(0);
  }, 240_000);

  it('names the busy port and the variable to change', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, ['scripts/start.mjs'], {
        cwd: root,
        env: { ...process.env, ...env, SANDBOX_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port}`);
      expect(output).toContain('SANDBOX_PORT=');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 120_000);
});
