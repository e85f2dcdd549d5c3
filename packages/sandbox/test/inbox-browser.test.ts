// Drives the manager inbox in headless Chromium against a real sandbox: the customer side talks signed Chats API
// through the SDK, the manager side is the page, and a real hook receiver checks what the integration would get.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AmocrmClient, AmojoClient, MemoryTokenStore, verifyHook } from '@amojo-bridge/sdk';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { ensureInboxBuilt } from './inbox-build.js';

const CHANNEL_ID = randomUUID();
const CHANNEL_SECRET = randomUUID().replaceAll('-', '');
const ACCOUNT_ID = randomUUID();
const MANAGER_ID = randomUUID();
const SECOND_MANAGER_ID = randomUUID();
const CONVERSATION_ID = 'conv-maria-1';
const INTEGRATION = { clientId: randomUUID(), clientSecret: randomUUID() };
const CLIENT_ID = 'client-maria';
// Set UPDATE_INBOX_SCREENSHOT=1 to refresh the committed docs/inbox.png; otherwise the screenshot goes to a temp file,
// so running the suite leaves the tree clean (the picture shows clock times that change on every run).
const SCREENSHOT = process.env.UPDATE_INBOX_SCREENSHOT
  ? fileURLToPath(new URL('../../../docs/inbox.png', import.meta.url))
  : `${process.env.TMPDIR ?? '/tmp'}/inbox-${process.pid}.png`;

interface ReceivedHook {
  readonly path: string;
  readonly signatureValid: boolean;
  readonly raw: string;
  readonly body: HookBody;
}
// Only the fields the assertions read.
interface HookBody {
  readonly account_id: string;
  readonly message?: {
    readonly source?: { readonly external_id: string };
    readonly conversation: { readonly id: string; readonly client_id?: string };
    readonly sender: { readonly id: string };
    readonly receiver: { readonly client_id?: string; readonly phone?: string };
    readonly message: {
      readonly id: string;
      readonly reply_to?: { readonly message: { readonly id: string; readonly text: string } };
      readonly type: string;
      readonly text: string;
      readonly media: string;
      readonly file_name: string;
      readonly file_size: number;
    };
  };
  readonly action?: {
    readonly typing?: { readonly conversation: { readonly id: string } };
    readonly reaction?: { readonly type: string; readonly emoji?: string };
  };
}

/** A real integration endpoint: records every hook and whether its X-Signature matches the raw body. */
async function startHookReceiver(): Promise<{ url: string; hooks: ReceivedHook[]; server: Server }> {
  const hooks: ReceivedHook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // GETs are the OAuth install redirect: answered, not recorded as hooks.
      if (request.method !== 'POST') return response.writeHead(200).end('ok');
      const raw = Buffer.concat(chunks);
      const signature = request.headers['x-signature'];
      hooks.push({
        path: request.url ?? '',
        signatureValid: verifyHook(raw, typeof signature === 'string' ? signature : undefined, CHANNEL_SECRET),
        raw: raw.toString('utf8'),
        body: JSON.parse(raw.toString('utf8')) as HookBody,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hooks, server };
}

/** Waits for a hook matching `predicate`; gives up with a list of what did arrive, to make a failure readable. */
async function waitForHook(hooks: readonly ReceivedHook[], predicate: (hook: ReceivedHook) => boolean) {
  const giveUpAt = Date.now() + 20_000;
  while (Date.now() < giveUpAt) {
    const found = hooks.find(predicate);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the expected hook did not arrive; the receiver got: ${hooks.map((h) => h.raw).join('\n')}`);
}

/** A TCP proxy in front of the sandbox whose connections the test can cut, to drop the page's event stream. */
async function startCuttableProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Stops accepting and destroys every open connection: the server is "down". */
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    /** Accepts connections again on the same port. */
    async restore() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A small PNG drawn by the browser itself, so the picture the manager sends is a real image. */
async function drawPriceList(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 150;
    const ctx = canvas.getContext('2d')!;
    const gradient = ctx.createLinearGradient(0, 0, 320, 150);
    gradient.addColorStop(0, '#2e7ded');
    gradient.addColorStop(1, '#1b3347');
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 320, 150);
    ctx.fillStyle = '#ffffff';
    ctx.font = 'bold 22px sans-serif';
    ctx.fillText('Price list 2026', 20, 40);
    ctx.font = '16px sans-serif';
    ctx.fillText('Up to 1 kg ........ 250 ₽', 20, 78);
    ctx.fillText('Up to 3 kg ........ 450 ₽', 20, 104);
    ctx.fillText('Up to 10 kg ....... 900 ₽', 20, 130);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
}

// The tests share one sandbox and run in order, each continuing the story of the previous one. Each is a long browser
// flow, so it gets more than the default 30 s on a busy machine (a limit, not a timing assertion).
describe('manager inbox in a browser', () => {
  let receiver: Awaited<ReturnType<typeof startHookReceiver>>;
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let amojo: AmojoClient;
  let scopeId: string;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureInboxBuilt();
    receiver = await startHookReceiver();
    sandbox = await startSandbox({
      channels: [
        {
          id: CHANNEL_ID,
          secret: CHANNEL_SECRET,
          name: 'Website chat',
          hookUrl: `${receiver.url}/amojo/:scope_id`,
          reactions: ['👍', '❤️', '🔥', '🙏'],
          writeFirst: true,
          typingHooks: true,
        },
      ],
      accounts: [
        {
          amojoId: ACCOUNT_ID,
          id: 30123456,
          subdomain: 'demo',
          name: 'Demo company',
          users: [
            { id: 1, name: 'Anna Petrova', amojoId: MANAGER_ID },
            { id: 2, name: 'Boris Ivanov', amojoId: SECOND_MANAGER_ID },
          ],
        },
      ],
      integrations: [{ ...INTEGRATION, redirectUri: `${receiver.url}/amocrm/install`, channelId: CHANNEL_ID }],
    });
    // The integration installs and registers two lead sources through REST v4, as a real one would.
    const install = await fetch(`${sandbox.url}/_sandbox/api/crm/install`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: ACCOUNT_ID, clientId: INTEGRATION.clientId }),
    });
    const { code } = (await install.json()) as { code: string };
    const crm = new AmocrmClient({
      baseUrl: sandbox.url,
      ...INTEGRATION,
      redirectUri: `${receiver.url}/amocrm/install`,
      tokenStore: new MemoryTokenStore(),
      accountKey: ACCOUNT_ID,
    });
    await crm.exchangeCode(code);
    await crm.createSources([
      { name: 'Website', external_id: 'website', default: true },
      { name: 'Telegram bot', external_id: 'telegram' },
    ]);
    proxy = await startCuttableProxy(sandbox.port);
    amojo = new AmojoClient({
      channelId: CHANNEL_ID,
      channelSecret: CHANNEL_SECRET,
      baseUrl: sandbox.url,
      retry: false,
    });
    ({ scopeId } = await amojo.connect({ accountId: ACCOUNT_ID, title: 'Website chat' }));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await sandbox?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.server.close(() => resolve()) : resolve()));
  });

  it('shows the conversation live from both ends', async () => {
    const maria = { id: CLIENT_ID, name: 'Maria Sokolova', profile: { phone: '+79151112233' } };
    await page.goto(`${sandbox.url}/`);
    await page.getByRole('status').getByText('Live').waitFor();
    // Marks this page load: if anything below reloaded the page, the marker would be gone.
    await page.evaluate(() => {
      (window as unknown as { inboxTestMarker: string }).inboxTestMarker = 'same page';
    });

    // 1. A customer message sent through the SDK appears in the chat list without a reload.
    await amojo.sendMessage(scopeId, {
      msgid: 'in-1',
      conversationId: CONVERSATION_ID,
      sender: maria,
      message: { type: 'text', text: 'Hello! Do you deliver to Kazan?' },
    });
    const chatButton = page.getByRole('button', { name: /^Open chat with Maria Sokolova/ });
    await chatButton.waitFor();
    await expect(chatButton.textContent()).resolves.toContain('Hello! Do you deliver to Kazan?');
    await expect.poll(() => chatButton.getAttribute('aria-label')).toContain('1 unread');
    await chatButton.click();
    const messages = page.getByRole('list', { name: 'Messages' });
    await messages.getByText('Hello! Do you deliver to Kazan?').waitFor();
    // Opening the chat marks it read.
    await page.getByRole('button', { name: 'Open chat with Maria Sokolova', exact: true }).waitFor();

    // ...and into the open chat.
    await amojo.sendMessage(scopeId, {
      msgid: 'in-2',
      conversationId: CONVERSATION_ID,
      sender: maria,
      message: { type: 'text', text: 'And how much is shipping for 3 kg?' },
    });
    await messages.getByText('And how much is shipping for 3 kg?').waitFor();

    // 2. The manager's reply typed in the page reaches the integration as a signed v2 hook (typing hooks first).
    const replyText = 'Yes, we deliver to Kazan in 2–3 days.';
    const box = page.getByLabel('Message text');
    await box.fill(replyText);
    const typingHook = await waitForHook(receiver.hooks, (h) => h.body.action?.typing !== undefined);
    expect(typingHook.signatureValid).toBe(true);
    await box.press('Enter');
    const replyHook = await waitForHook(receiver.hooks, (h) => h.body.message?.message.text === replyText);
    expect(replyHook.signatureValid).toBe(true);
    expect(replyHook.path).toBe(`/amojo/${scopeId}`);
    expect(replyHook.body.account_id).toBe(ACCOUNT_ID);
    expect(replyHook.body.message?.conversation.client_id).toBe(CONVERSATION_ID);
    expect(replyHook.body.message?.receiver.client_id).toBe(CLIENT_ID);
    expect(replyHook.body.message?.message.type).toBe('text');
    expect(typingHook.body.action?.typing?.conversation.id).toBe(replyHook.body.message?.conversation.id);
    // The hook can arrive before the page has the answer to its send; the box clears once it has.
    await expect.poll(() => box.inputValue()).toBe('');
    const replyId = replyHook.body.message!.message.id;
    const reply = page.locator(`[data-message-id="${replyId}"]`);
    await reply.locator('[data-status="sent"]').waitFor();

    // 3. A delivery status sent through the SDK shows in the page: 2 = read.
    await amojo.deliveryStatus(scopeId, replyId, { status: 2 });
    await reply.locator('[data-status="read"]').waitFor();
    await expect.poll(() => reply.locator('.status').textContent()).toContain('Read');

    // The file button: a picture uploaded from the page reaches the integration as a picture hook with a working URL.
    const png = await drawPriceList(page);
    await page.getByLabel('Choose files').setInputFiles({ name: 'price-list.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('list', { name: 'Files to send' }).getByText('price-list.png').waitFor();
    await box.fill('Here is our price list');
    await page.getByRole('button', { name: 'Send' }).click();
    const pictureHook = await waitForHook(receiver.hooks, (h) => h.body.message?.message.type === 'picture');
    expect(pictureHook.signatureValid).toBe(true);
    expect(pictureHook.body.message?.message).toMatchObject({ file_name: 'price-list.png', file_size: png.length });
    const media = await fetch(pictureHook.body.message!.message.media);
    expect(Buffer.from(await media.arrayBuffer()).equals(png)).toBe(true);
    const picture = page.locator(`[data-message-id="${pictureHook.body.message!.message.id}"]`);
    await picture.locator('img[alt="price-list.png"]').waitFor();
    await amojo.deliveryStatus(scopeId, pictureHook.body.message!.message.id, { status: 1 });
    await picture.locator('[data-status="delivered"]').waitFor();

    // An error status (-1 / 905) shows its code and text.
    await box.fill('Shipping for 3 kg is 450 ₽.');
    await box.press('Enter');
    const failedHook = await waitForHook(
      receiver.hooks,
      (h) => h.body.message?.message.text === 'Shipping for 3 kg is 450 ₽.',
    );
    const failed = page.locator(`[data-message-id="${failedHook.body.message!.message.id}"]`);
    await amojo.deliveryStatus(scopeId, failedHook.body.message!.message.id, {
      status: -1,
      errorCode: 905,
      error: 'The client blocked the bot',
    });
    await failed.locator('[data-status="error"]').waitFor();
    await failed.getByText('Error 905: The client blocked the bot').waitFor();

    // The customer reacts, quotes the manager's message and starts typing: all live.
    await amojo.react(scopeId, {
      conversationId: CONVERSATION_ID,
      amojoMsgId: replyId,
      user: { id: CLIENT_ID },
      emoji: '👍',
    });
    await reply
      .getByRole('list', { name: 'Reactions' })
      .getByRole('button', { name: 'Reaction 👍 by Maria Sokolova' })
      .waitFor();
    const thanks = await amojo.sendMessage(scopeId, {
      msgid: 'in-3',
      conversationId: CONVERSATION_ID,
      sender: maria,
      message: { type: 'text', text: 'Great, thanks! I will order today.' },
      replyTo: { amojoMsgId: replyId },
    });
    const thanksItem = page.locator(`[data-message-id="${thanks.amojoMsgId}"]`);
    await thanksItem.locator('.quote').getByText(replyText).waitFor();

    // The manager reacts from the picker: a signed reaction hook with that emoji.
    await thanksItem.hover();
    await thanksItem.getByRole('button', { name: 'Add reaction' }).click();
    await page.getByRole('menuitem', { name: 'React with ❤️' }).click();
    const reactionHook = await waitForHook(receiver.hooks, (h) => h.body.action?.reaction?.emoji === '❤️');
    expect(reactionHook.signatureValid).toBe(true);
    expect(reactionHook.body.action?.reaction?.type).toBe('react');
    await thanksItem.getByRole('button', { name: 'Remove reaction ❤️' }).waitFor();

    await amojo.typing(scopeId, { conversationId: CONVERSATION_ID, senderId: CLIENT_ID, durationMs: 60_000 });
    await page.getByText('Maria Sokolova is typing…').waitFor();

    // The contact and lead amoCRM created for the chat are in the side panel.
    const panel = page.getByRole('complementary', { name: 'Contact and lead' });
    await panel.getByRole('region', { name: 'Contact' }).getByText('+79151112233').waitFor();
    await panel.getByRole('region', { name: 'Lead' }).getByText('Unsorted').waitFor();

    // Another customer writes while Maria's chat is open: their chat shows its unread count, Maria's stays read.
    await amojo.sendMessage(scopeId, {
      msgid: 'in-john-1',
      conversationId: 'conv-john-1',
      sourceExternalId: 'telegram',
      sender: { id: 'client-john', name: 'John Smith' },
      message: { type: 'text', text: 'Hi, is the store open on Sunday?' },
    });
    await amojo.sendMessage(scopeId, {
      msgid: 'in-john-2',
      conversationId: 'conv-john-1',
      sourceExternalId: 'telegram',
      sender: { id: 'client-john', name: 'John Smith' },
      message: { type: 'text', text: 'And until what time?' },
    });
    await page.getByRole('button', { name: 'Open chat with John Smith, 2 unread' }).waitFor();
    // Grouped under the source's name from the CRM, not its external id.
    await page.getByRole('navigation', { name: 'Chats' }).getByRole('heading', { name: 'Telegram bot 2' }).waitFor();
    await page.getByRole('button', { name: 'Open chat with Maria Sokolova', exact: true }).waitFor();
    await expect(
      page.evaluate(() => (window as unknown as { inboxTestMarker?: string }).inboxTestMarker),
    ).resolves.toBe('same page');
    expect(pageErrors).toEqual([]);
    // A calm picture: no hover, the reply box focused, hover-only message actions faded out.
    await page.mouse.move(0, 0);
    await box.focus();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.actions')].every((el) => getComputedStyle(el).opacity === '0'),
    );
    await page.screenshot({ path: SCREENSHOT });
  }, 90_000);

  it('starts a chat with "write first" as the chosen manager, logs hooks and survives a dropped event stream', async () => {
    const page2 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page2.on('pageerror', (error) => pageErrors.push(error.message));
    await page2.goto(`${proxy.url}/inbox`);
    await page2.getByRole('status').getByText('Live').waitFor();

    // The manager picker decides who writes.
    await page2.getByLabel('Manager').selectOption({ label: 'Boris Ivanov' });
    await page2.getByRole('button', { name: 'Write first' }).click();
    const dialog = page2.getByRole('dialog', { name: 'Write first' });
    await expect(dialog.getByLabel('Channel').inputValue()).resolves.toBe(scopeId);
    // The defaults work as they are: the default source is preselected, and the phone of a contact with a chat
    // (offered in a list) when there is one.
    await expect(dialog.getByLabel('Source').inputValue()).resolves.toBe('website');
    const known = await page2.evaluate(() =>
      [...document.querySelectorAll('#write-first-phones option')].map((o) => (o as HTMLOptionElement).value),
    );
    if (known.length > 0) await expect(dialog.getByLabel('Phone').inputValue()).resolves.toBe(known[0]);
    await dialog.getByLabel('Phone').fill('+447700900123');
    await dialog.getByLabel('Source').selectOption({ label: 'Website (website) — default' });
    await dialog.getByLabel('Message').fill('Hello! Your order #1042 is ready.');
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    await dialog.waitFor({ state: 'detached' });
    const hook = await waitForHook(
      receiver.hooks,
      (h) => h.body.message?.message.text === 'Hello! Your order #1042 is ready.',
    );
    expect(hook.signatureValid).toBe(true);
    // Spec 3.4.7: a chat started from amoCRM has no integration chat id yet; the phone is the receiver's.
    expect(hook.body.message?.conversation.client_id).toBeUndefined();
    expect(hook.body.message?.receiver.phone).toBe('+447700900123');
    expect(hook.body.message?.sender.id).toBe(SECOND_MANAGER_ID);
    expect(hook.body.message?.source?.external_id).toBe('website');
    // The new chat is open, with the message and who sent it.
    const sent = page2.locator(`[data-message-id="${hook.body.message!.message.id}"]`);
    await sent.getByText('Boris Ivanov').waitFor();
    await page2.getByRole('heading', { name: '+447700900123' }).waitFor();

    // The hook log lists what the receiver got, with its answer; a row opens the raw body.
    await page2.getByRole('button', { name: /^Hook log/ }).click();
    const log = page2.getByRole('region', { name: 'Hook log' });
    await expect.poll(() => log.locator('.hook-row').count()).toBe(receiver.hooks.length);
    await expect.poll(() => log.locator('.hook-row').first().locator('.answer').textContent()).toBe('200');
    await log.getByRole('button', { name: 'Show message hook body' }).first().click();
    await log.locator('pre').getByText('Hello! Your order #1042 is ready.').waitFor();
    await page2.getByRole('button', { name: /^Chats/ }).click();

    // The event stream drops; what happens meanwhile shows once it is back, without a reload.
    await page2.evaluate(() => {
      (window as unknown as { inboxTestMarker: string }).inboxTestMarker = 'same page';
    });
    await proxy.cut();
    await page2.getByRole('status').getByText('Reconnecting…').waitFor();
    await amojo.sendMessage(scopeId, {
      msgid: 'in-offline-1',
      conversationId: 'conv-kate-1',
      sender: { id: 'client-kate', name: 'Kate Miller' },
      message: { type: 'text', text: 'Written while the inbox was offline' },
    });
    await proxy.restore();
    await page2.getByRole('status').getByText('Live').waitFor();
    await page2.getByRole('button', { name: 'Open chat with Kate Miller, 1 unread' }).waitFor();
    // And live events flow again on the new stream.
    await amojo.sendMessage(scopeId, {
      msgid: 'in-offline-2',
      conversationId: 'conv-kate-1',
      sender: { id: 'client-kate', name: 'Kate Miller' },
      message: { type: 'text', text: 'Are you back?' },
    });
    await page2.getByRole('button', { name: 'Open chat with Kate Miller, 2 unread' }).waitFor();
    await expect(
      page2.evaluate(() => (window as unknown as { inboxTestMarker?: string }).inboxTestMarker),
    ).resolves.toBe('same page');
    expect(pageErrors).toEqual([]);
    await page2.close();
  }, 90_000);

  it('works at phone width: one column at a time, quoted replies, the contact drawer', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 780 }, hasTouch: true, isMobile: true });
    phone.on('pageerror', (error) => pageErrors.push(error.message));
    await phone.goto(`${sandbox.url}/`);
    await phone.getByRole('status').waitFor();
    const kate = phone.getByRole('button', { name: /^Open chat with Kate Miller/ });
    await kate.click();
    // The list gives way to the chat.
    await expect.poll(() => kate.isVisible()).toBe(false);
    const question = phone
      .getByRole('list', { name: 'Messages' })
      .getByRole('listitem')
      .filter({ hasText: 'Are you back?' });
    const questionId = await question.getAttribute('data-message-id');
    await question.getByRole('button', { name: 'Reply to message' }).click();
    await phone.getByText('Replying to Kate Miller:').waitFor();
    // Shift+Enter breaks the line, Enter sends.
    const phoneBox = phone.getByLabel('Message text');
    await phoneBox.fill('Yes, we are here.');
    await phoneBox.press('Shift+Enter');
    await phoneBox.pressSequentially('Open till 9 pm.');
    await expect(phoneBox.inputValue()).resolves.toBe('Yes, we are here.\nOpen till 9 pm.');
    await phoneBox.press('Enter');
    const hook = await waitForHook(
      receiver.hooks,
      (h) => h.body.message?.message.text === 'Yes, we are here.\nOpen till 9 pm.',
    );
    expect(hook.body.message?.message.reply_to?.message.id).toBe(questionId);
    const answer = phone.locator(`[data-message-id="${hook.body.message!.message.id}"]`);
    await answer.locator('.quote').getByText('Are you back?').waitFor();
    await expect.poll(() => phone.getByText('Replying to Kate Miller:').count()).toBe(0);

    // Contact details open as a drawer and close again.
    const drawer = phone.getByRole('complementary', { name: 'Contact and lead' });
    await phone.getByRole('button', { name: 'Show contact and lead' }).click();
    await drawer.getByRole('region', { name: 'Contact' }).getByText('Kate Miller').waitFor();
    // It slides in over the chat to cover the whole width.
    await phone.waitForFunction(() => document.querySelector('.crm-panel')?.getBoundingClientRect().left === 0);
    await drawer.getByRole('button', { name: 'Hide contact and lead' }).click();
    await phone.getByRole('button', { name: 'Back to chats' }).click();
    await kate.waitFor();
    // Nothing in the page is wider than the phone.
    await expect(phone.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
    await phone.close();
  }, 90_000);
});
