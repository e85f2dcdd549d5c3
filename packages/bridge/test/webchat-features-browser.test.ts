// Reactions and quotes in the webchat widget, end to end in headless Chromium: the visitor reacts to a manager
// message with the keyboard (the picker offers only the channel's declared emoji), takes it back, sees a manager's
// quoted reply with its quote, replies to a manager message and edits that reply; the sandbox (amoCRM) shows each.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/chromium.js';
import { ENGINES } from './support/databases.js';
import { waitFor } from './support/relay-harness.js';
import {
  createWebchatHarness,
  ensureWebchatBuilt,
  openSocket,
  type WebchatHarness,
} from './support/webchat-harness.js';
import { traceWidgetPage } from './support/widget-trace.js';

const VISITOR = 'Olga Petrova';
// The instance declares three emoji: the picker offers exactly these, and the bridge refuses any other.
const DECLARED = ['👍', '❤️', '🔥'];

describe.each(ENGINES)('webchat reactions and quotes in a browser (%s)', (engine) => {
  let h: WebchatHarness;
  let browser: Browser;
  let site: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureWebchatBuilt();
    h = await createWebchatHarness({
      engine,
      settings: { title: 'Northwind Flowers', form: { phone: { ask: false } }, reactionEmoji: DECLARED },
    });
    browser = await launchChromium();
    site = await openPage(browser, { viewport: { width: 1280, height: 800 }, pageErrors, timeoutMs: 15_000 });
    traceWidgetPage(site, `widget page (${engine})`);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('relays a keyboard reaction and its removal, quotes both ways and an edit, and keeps them after a reload', async () => {
    await site.goto(`${h.bridgeUrl}/webchat/demo?instance=${h.instanceKey}`);
    await site.getByRole('button', { name: 'Open chat' }).click();
    const dialog = site.getByRole('dialog', { name: 'Northwind Flowers' });
    await dialog.getByLabel('Name').fill(VISITOR);
    await dialog.getByRole('button', { name: 'Start chat' }).click();
    const box = dialog.getByRole('textbox', { name: 'Message' });
    await box.fill('Do you have peonies?');
    await box.press('Enter');
    const log = dialog.getByRole('log', { name: 'Messages' });
    const chat = await waitFor('the visitor chat in the sandbox', async () =>
      (await h.relay.sandboxChats()).find((c) => c.client.name === VISITOR),
    );
    const question = await waitFor('the question in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id)).find((m) => m.text === 'Do you have peonies?'),
    );

    // 1. The manager answers; the visitor reacts with the keyboard: the React button opens the picker on the first
    // declared emoji, ArrowRight moves to the second, Enter picks it.
    const answer = await h.relay.sendManagerMessage(chat.id, { text: 'Yes, pink and white ones.' });
    expect(answer.status).toBeLessThan(300);
    const answerId = (answer.body as { messages: { id: string }[] }).messages[0]!.id;
    await log.getByText('Yes, pink and white ones.').waitFor();
    const react = dialog.getByRole('button', { name: 'React to: Yes, pink and white ones.' });
    await react.focus();
    await site.keyboard.press('Enter');
    const picker = dialog.getByRole('toolbar', { name: 'Reactions' });
    await picker.waitFor();
    await expect(picker.getByRole('button').allTextContents()).resolves.toEqual(DECLARED);
    await expect.poll(() => picker.getByRole('button', { name: 'React with 👍' }).evaluate(isFocused)).toBe(true);
    await site.keyboard.press('ArrowRight');
    await expect.poll(() => picker.getByRole('button', { name: 'React with ❤️' }).evaluate(isFocused)).toBe(true);
    await site.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    // Focus goes back to the button, which now shows the visitor's reaction.
    await expect.poll(() => react.evaluate(isFocused)).toBe(true);
    const answerInWidget = log.locator('.msg', { hasText: 'Yes, pink and white ones.' });
    await answerInWidget.getByRole('list', { name: 'Reactions' }).getByText('❤️').waitFor();
    await waitFor('the visitor reaction in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id))
        .find((m) => m.id === answerId)
        ?.reactions.find((r) => r.emoji === '❤️' && r.byKind === 'client'),
    );
    // The manager sees it in the sandbox's inbox page, on the answer, by the visitor's name.
    const inbox = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    try {
      await inbox.goto(`${h.relay.sandbox.url}/`);
      await inbox.getByRole('button', { name: new RegExp(`^Open chat with ${VISITOR}`) }).click();
      await inbox
        .locator(`[data-message-id="${answerId}"]`)
        .getByRole('list', { name: 'Reactions' })
        .getByRole('button', { name: `Reaction ❤️ by ${VISITOR}` })
        .waitFor();
    } finally {
      await inbox.context().close();
    }

    // 2. Choosing the same emoji again takes the reaction back, in the widget and in amoCRM.
    await site.keyboard.press('Enter');
    await picker.getByRole('button', { name: 'Your reaction ❤️: choose it again to remove it' }).waitFor();
    await expect.poll(() => picker.getByRole('button', { pressed: true }).evaluate(isFocused)).toBe(true);
    await site.keyboard.press('Enter');
    await answerInWidget.getByRole('list', { name: 'Reactions' }).waitFor({ state: 'detached' });
    await waitFor('the visitor reaction removed in the sandbox', async () => {
      const m = (await h.relay.sandboxMessages(chat.id)).find((x) => x.id === answerId);
      return m && !m.reactions.some((r) => r.byKind === 'client') ? m : undefined;
    });
    // Escape closes an open picker only, not the chat.
    await site.keyboard.press('Enter');
    await picker.waitFor();
    // Focus is in the picker (its first emoji: no reaction now) before Escape, so Escape is the picker's.
    await expect.poll(() => picker.getByRole('button', { name: 'React with 👍' }).evaluate(isFocused)).toBe(true);
    await site.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await dialog.waitFor();

    // 3. An emoji the channel did not declare is refused by the bridge (a hand-made frame; the picker never offers
    // one), and amoCRM gets nothing.
    const token = await site.evaluate((key) => localStorage.getItem(`amojo-webchat:${key}:token`), h.instanceKey);
    const socket = await openSocket(h.bridgeUrl, h.instanceKey, h.bridgeUrl);
    socket.send({ type: 'hello', token });
    await socket.next('ready');
    const answerMsgid = await answerInWidget.getAttribute('data-message-id');
    socket.send({ type: 'react', token, eventId: 'e-unicorn-000001', id: answerMsgid, emoji: '🦄' });
    const refused = await socket.next('error');
    expect(refused).toMatchObject({ code: 'invalid_reaction' });
    expect(refused.message).toContain('🦄 is not a reaction of this chat (👍 ❤️ 🔥)');
    await socket.close();

    // 4. The manager's quoted reply shows its quote (the visitor's own question) in the widget.
    const quoted = await h.relay.sendManagerMessage(chat.id, {
      text: 'Pink ones are 300 ₽ each.',
      replyToId: question.id,
    });
    expect(quoted.status).toBeLessThan(300);
    const quotedInWidget = log.locator('.msg', { hasText: 'Pink ones are 300 ₽ each.' });
    await quotedInWidget
      .locator('.quote', { hasText: 'Do you have peonies?' })
      .getByText('You', { exact: true })
      .waitFor();

    // 5. The visitor replies to the manager's message: the sandbox shows the reply quoting it.
    await dialog.getByRole('button', { name: 'Reply to: Pink ones are 300 ₽ each.' }).click();
    await dialog.locator('.replying .quote', { hasText: 'Pink ones are 300 ₽ each.' }).waitFor();
    await expect.poll(() => box.evaluate(isFocused)).toBe(true);
    await site.keyboard.type('Seven, please.');
    await site.keyboard.press('Enter');
    await dialog.locator('.replying').waitFor({ state: 'detached' });
    const quotedId = (quoted.body as { messages: { id: string }[] }).messages[0]!.id;
    const reply = await waitFor('the visitor reply in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id)).find((m) => m.text === 'Seven, please.'),
    );
    expect(reply.replyTo).toMatchObject({ id: quotedId, text: 'Pink ones are 300 ₽ each.' });
    const replyInWidget = log.locator('.msg.in', { hasText: 'Seven, please.' });
    await replyInWidget.locator('.quote', { hasText: 'Pink ones are 300 ₽ each.' }).waitFor();

    // 6. The visitor corrects their last message: amoCRM shows the new text (an amojo edit of the same message).
    await dialog.getByRole('button', { name: 'Edit your last message' }).click();
    await expect.poll(() => box.inputValue()).toBe('Seven, please.');
    await box.fill('Eight, please.');
    await box.press('Enter');
    await log.locator('.msg.in', { hasText: 'Eight, please.' }).waitFor();
    await waitFor('the edit in the sandbox', async () =>
      (await h.relay.sandboxMessages(chat.id)).find(
        (m) => m.id === reply.id && m.text === 'Eight, please.' && m.edited,
      ),
    );
    // Only the last message of the visitor's is offered for editing.
    await expect(dialog.getByRole('button', { name: 'Edit your last message' }).count()).resolves.toBe(1);

    // The bridge stores the new text once amoCRM took the edit (just after the sandbox shows it).
    await waitFor('the edited text stored', async () => {
      const rows = await h.relay.bridge.store.db.selectFrom('messages').select('payload').execute();
      return rows.some((r) => JSON.parse(r.payload).text === 'Eight, please.') ? true : undefined;
    });

    // 7. After a reload the history shows both quotes again, and the edited text.
    await site.reload();
    await site.getByRole('button', { name: 'Open chat' }).click();
    // The history is read again after the reload: under CI load (import of a test file alone took 100 s of the run)
    // that took longer than the 15 s step timeout once; the step still fails if the quote never shows.
    // It failed twice in CI (f017354, 1893a49) after 15 s and after 60 s, never when run alone, loaded or not: so
    // a failure says what the widget showed, for the next look.
    try {
      await log.locator('.msg.in', { hasText: 'Eight, please.' }).locator('.quote').waitFor({ timeout: 60_000 });
    } catch (error) {
      const shown = (await dialog.isVisible())
        ? ((await log.textContent().catch(() => null)) ?? '(no message log)')
        : '(panel closed)';
      const expanded = await site
        .locator('button[aria-expanded]')
        .getAttribute('aria-expanded')
        .catch(() => null);
      throw new Error(
        `after the reload the reply's quote never showed; launcher expanded=${expanded}; the widget showed: ${shown.slice(0, 1500)}; page errors: ${pageErrors.join(' | ') || 'none'}`,
        { cause: error },
      );
    }
    await log.locator('.msg.out', { hasText: 'Pink ones are 300 ₽ each.' }).locator('.quote').waitFor();

    // A look at the widget with a quote, a reply and the open picker (kept in the temp folder).
    await dialog.getByRole('button', { name: 'React to: Pink ones are 300 ₽ each.' }).click();
    await picker.waitFor();
    await site.screenshot({ path: join(tmpdir(), `webchat-features-${engine}.png`) });
    await site.keyboard.press('Escape');
    expect(pageErrors).toEqual([]);
  }, 150_000);
});

function isFocused(element: Element): boolean {
  // The widget lives in a shadow root: its focused element is the root's activeElement.
  return (element.getRootNode() as ShadowRoot).activeElement === element;
}
