#!/usr/bin/env node
// Writes a JSON Lines import file (the format of src/import/README.md) for tests and the benchmark:
//   node packages/bridge/scripts/generate-import-jsonl.mjs --out export.jsonl [--messages 1000000] [--chats 10000]
//     [--manager <amojo id>] [--seed 1] [--chat-prefix chat-]
// Chats are interleaved round-robin (as a CRM's export ordered by time would be); each chat's messages are in
// chronological order. Every 3rd message is a manager's (by amojo id, when --manager is given), every 7th the bot's.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    messages: { type: 'string', default: '1000000' },
    chats: { type: 'string', default: '10000' },
    manager: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'chat-prefix': { type: 'string', default: 'chat-' },
  },
});
if (!values.out) {
  process.stderr.write('--out <file> is required\n');
  process.exit(2);
}
const messages = Number(values.messages);
const chats = Number(values.chats);
const base = Date.UTC(2024, 0, 1) + Number(values.seed) * 1000;
const words = ['Здравствуйте', 'заказ', 'доставка', 'спасибо', 'hello', 'order', 'когда', 'привезут', '🙂', '📦'];
const out = createWriteStream(values.out);
for (let i = 0; i < messages; i++) {
  const chat = i % chats;
  const ordinal = Math.floor(i / chats);
  const kind = i % 7 === 6 ? 'out-bot' : i % 3 === 2 && values.manager ? 'out-manager' : 'in';
  const text = `${words[i % words.length]} ${words[(i * 7) % words.length]} #${ordinal}`;
  const line = {
    chat: `${values['chat-prefix']}${chat}`,
    id: `m-${i}`,
    customer: { id: `customer-${chat}`, name: `Клиент ${chat}` },
    direction: kind,
    ...(kind === 'out-manager' ? { manager: { amojoId: values.manager, name: 'Manager' } } : {}),
    timestamp: base + ordinal * 60_000 + chat,
    message: { type: 'text', text },
  };
  if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
