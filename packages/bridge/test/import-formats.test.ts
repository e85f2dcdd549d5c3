import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/index.js';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_TEST_IDS, type RelayHarness } from './support/relay-harness.js';

// Issue 13: every import format into the sandbox through `amojo-bridge import` (run in-process against the same
// database as a running bridge, which serves the imported media): order, original timestamps, silent on all but each
// chat's newest message, one unsorted lead per chat whose newest message is incoming, and a second run sends 0.

const FIXTURES = fileURLToPath(new URL('./fixtures/import/', import.meta.url));
const MAP = `${FIXTURES}managers.json`;

async function cli(h: RelayHarness, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['import', ...args, '--instance', h.instanceKey, '--map', MAP], {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    env: { ...h.env, LOG_LEVEL: 'warn' },
  });
  return { code, out, err };
}

const sentCount = (out: string) => Number(/^ {2}sent: (\d+)$/m.exec(out)?.[1] ?? Number.NaN);

async function chatByKey(
  h: RelayHarness,
  chatKey: string,
): Promise<{ chat: SandboxChatView; messages: SandboxMessageView[] }> {
  const chat = await h.chatOf(chatKey);
  if (!chat) throw new Error(`no sandbox chat for ${chatKey}`);
  return { chat, messages: await h.sandboxMessages(chat.id) };
}

function expectSilentButNewest(messages: readonly SandboxMessageView[]): void {
  expect(messages.map((m) => m.silent)).toEqual(messages.map((_, i) => i !== messages.length - 1));
  const times = messages.map((m) => m.createdAt);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
}

describe.each(ENGINES)('amojo-bridge import on %s', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine, bot: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('imports a one-chat Telegram export in order, with media served by the bridge, and a second run sends 0', async () => {
    const first = await cli(h, [`${FIXTURES}telegram/result.json`]);
    expect(first.err).not.toMatch(/stopped/);
    expect(first.code).toBe(0);
    expect(sentCount(first.out)).toBe(6);
    expect(first.out).toMatch(/skipped \(not importable, see the report\): 2/);
    expect(first.out).toMatch(/24 hours before the lead was created/);
    const { chat, messages } = await chatByKey(h, '5512345678');
    expect(messages.map((m) => [m.direction, m.type, m.author.kind])).toEqual([
      ['in', 'text', 'client'],
      ['out', 'text', 'manager'],
      ['in', 'picture', 'client'],
      ['out', 'text', 'manager'],
      ['in', 'location', 'client'],
      ['in', 'text', 'client'],
    ]);
    expect(messages[0]?.text).toBe('Здравствуйте! Есть ли у вас синий чайник? 🫖');
    expect(messages[1]?.text).toBe('Да, есть! Синий и https://shop.example/kettle\nЦена 2 490 ₽.');
    expect(messages[1]?.author.id).toBe(RELAY_TEST_IDS.MANAGER_ID);
    expect(messages[0]?.createdAt).toBe(Date.UTC(2024, 2, 1, 10, 0, 0));
    expectSilentButNewest(messages);
    expect(chat.leadId).not.toBeNull();
    expect(chat.client.name).toBe('Анна Петрова');
    // The picture's URL is the bridge's own, and the bridge serves the export's bytes there.
    const media = messages[2]?.media ?? '';
    expect(media.startsWith(`${h.bridgeUrl}/import/files/`)).toBe(true);
    const served = await fetch(media);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');

    const second = await cli(h, [`${FIXTURES}telegram/result.json`]);
    expect(second.code).toBe(0);
    expect(sentCount(second.out)).toBe(0);
    expect(second.out).toMatch(/already imported by an earlier run: 6/);
    expect(await h.sandboxMessages(chat.id)).toHaveLength(6);
  });

  it('imports the personal chats of a whole-account Telegram export and reports the group and the poll', async () => {
    const run = await cli(h, [
      `${FIXTURES}telegram-account/result.json`,
      '--report',
      join(tmpdir(), `import-report-${engine}-${process.pid}.jsonl`),
    ]);
    expect(run.code).toBe(0);
    expect(sentCount(run.out)).toBe(6);
    const bob = await chatByKey(h, '6600000001');
    expect(bob.messages.map((m) => m.type)).toEqual(['text', 'text', 'contact', 'text']);
    expectSilentButNewest(bob.messages);
    const carol = await chatByKey(h, '6600000002');
    expect(carol.messages.map((m) => m.text)).toEqual(['Do you ship to Kazakhstan? 🇰🇿', 'Answer when you can']);
    expect(await h.chatOf('4400000001')).toBeUndefined();
    for (const c of [bob.chat, carol.chat]) expect(c.leadId).not.toBeNull();
  });

  it('imports an Android WhatsApp .txt: system line, media omitted, deleted and edited markers handled', async () => {
    const run = await cli(h, [`${FIXTURES}whatsapp/WhatsApp Chat with +7 912 345-67-89.txt`, '--self', 'Shop']);
    expect(run.code).toBe(0);
    expect(sentCount(run.out)).toBe(5);
    const { chat, messages } = await chatByKey(h, 'whatsapp:+79123456789');
    expect(messages.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'Добрый день! Заказ №77 готов?'],
      ['out', 'Здравствуйте! Да, готов 🎉\nМожно забрать с 12:00\nдо 20:00'],
      ['in', 'Это фото чека'],
      ['out', 'Адрес: ул. Ленина, 1'],
      ['in', 'Спасибо!'],
    ]);
    expect(messages[1]?.author).toMatchObject({ id: RELAY_TEST_IDS.MANAGER_ID, name: 'Manager One' });
    expectSilentButNewest(messages);
    expect(chat.client.phone).toBe('+79123456789');
    expect(chat.leadId).not.toBeNull();
    // WhatsApp exports carry no message ids: the msgids (time, author, text, occurrence) are the same on a second run.
    const again = await cli(h, [`${FIXTURES}whatsapp/WhatsApp Chat with +7 912 345-67-89.txt`, '--self', 'Shop']);
    expect(again.code).toBe(0);
    expect(sentCount(again.out)).toBe(0);
    expect((await chatByKey(h, 'whatsapp:+79123456789')).messages).toHaveLength(5);
  });

  it('imports an iOS WhatsApp .zip with its attached photo', async () => {
    const run = await cli(h, [`${FIXTURES}whatsapp/WhatsApp Chat - Maria Lopez.zip`, '--self', 'Shop']);
    expect(run.code).toBe(0);
    expect(sentCount(run.out)).toBe(4);
    const { chat, messages } = await chatByKey(h, 'whatsapp:Maria Lopez');
    expect(messages.map((m) => m.type)).toEqual(['text', 'text', 'picture', 'text']);
    expect(messages[3]?.text).toBe("Perfect ❤️ I'll take it.\nCan you deliver on Friday?");
    expect(messages[0]?.createdAt).toBe(new Date(2024, 2, 1, 10, 0, 0).getTime());
    expectSilentButNewest(messages);
    expect(chat.leadId).not.toBeNull();
    const served = await fetch(messages[2]?.media ?? '');
    expect(served.status).toBe(200);
  });

  it('imports JSON Lines: bot, manager by name and by amojo id, location, contact, media; a bad line is reported', async () => {
    const run = await cli(h, [`${FIXTURES}jsonl/export.jsonl`]);
    expect(run.code).toBe(0);
    expect(sentCount(run.out)).toBe(8);
    expect(run.out).toMatch(/failed: 1/);
    expect(run.out).toMatch(/line 7: direction/);
    const olga = await chatByKey(h, 'crm-1001');
    expect(olga.messages.map((m) => [m.direction, m.author.kind, m.type])).toEqual([
      ['in', 'client', 'text'],
      ['out', 'bot', 'text'],
      ['out', 'manager', 'text'],
      ['in', 'client', 'contact'],
      ['in', 'client', 'text'],
    ]);
    expect(olga.messages[1]?.author.id).toBe(RELAY_TEST_IDS.BOT_ID);
    expectSilentButNewest(olga.messages);
    expect(olga.chat.leadId).not.toBeNull();
    const li = await chatByKey(h, 'crm-1002');
    expect(li.messages.map((m) => m.type)).toEqual(['location', 'picture', 'file']);
    expectSilentButNewest(li.messages);
    expect(li.messages[2]?.media).toBe('https://files.example.com/invoice.pdf');
    expect(li.chat.leadId).not.toBeNull();

    const again = await cli(h, [`${FIXTURES}jsonl/export.jsonl`]);
    expect(sentCount(again.out)).toBe(0);
  });

  it('a dry run parses, maps and counts without sending', async () => {
    const before = (await h.sandboxChats()).length;
    const run = await cli(h, [`${FIXTURES}jsonl/export.jsonl`, '--dry-run', '--format', 'jsonl']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^dry run \(nothing sent\)/m);
    expect(run.out).toMatch(/would send: 8/);
    expect((await h.sandboxChats()).length).toBe(before);
  });

  it('refuses bad usage with exit code 2 and a message naming the option', async () => {
    const bad = await cli(h, [`${FIXTURES}jsonl/export.jsonl`, '--format', 'csv']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--format: expected one of telegram, whatsapp, jsonl/);
    const missing = await cli(h, [`${FIXTURES}nope.jsonl`]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
  });
});
