import { createReadStream } from 'node:fs';
import parserStream from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import type { ImportItem } from './import-message.js';
import { type TelegramChat, telegramItem } from './telegram-message.js';

type Token = { readonly name: string; readonly value?: unknown };
type PathPart = string | number | null;

/** Where a chat's fields and messages sit: `messages[i]` of a one-chat export, `chats.list[n].messages[i]` of all. */
function chatPrefixLength(path: readonly PathPart[]): number | undefined {
  if (path.length >= 1 && path[0] !== 'chats' && path[0] !== 'left_chats') return 0;
  if (path.length >= 3 && (path[0] === 'chats' || path[0] === 'left_chats') && path[1] === 'list') return 3;
  return undefined;
}

/**
 * Streams Telegram Desktop's `result.json` (one chat or the whole account): a token parser walks the document and
 * only each message object is assembled, so memory stays flat whatever the export's size. Only personal chats are
 * imported: groups and channels have no single customer, "saved messages" and bots no customer at all; each such
 * chat is one `skipped` line of the report with its message count.
 */
export async function* readTelegram(
  file: string,
  options: { readonly chatKey?: string | undefined } = {},
): AsyncGenerator<ImportItem> {
  const tokens = createReadStream(file).pipe(parserStream({ packValues: true, streamValues: false }));
  const path: PathPart[] = [];
  let meta: { id?: number | string; name?: string; type?: string } = {};
  let chat: TelegramChat | undefined;
  let skippedInChat = 0;
  let assembler: Assembler | undefined;
  let index = 0;
  let singleChat = true;

  for await (const token of tokens as AsyncIterable<Token>) {
    if (assembler) {
      assembler.consume(token as never);
      if (assembler.done) {
        const message = assembler.current as Record<string, unknown>;
        assembler = undefined;
        index++;
        if (!chat) {
          yield { kind: 'error', position: `message #${index}`, reason: 'message before its chat id, name and type' };
        } else if (chat.type !== 'personal_chat') {
          skippedInChat++;
        } else {
          yield telegramItem(chat, message, index);
        }
      }
      continue;
    }
    const isValueStart = token.name !== 'endObject' && token.name !== 'endArray' && token.name !== 'keyValue';
    if (isValueStart && path.length > 0 && typeof path[path.length - 1] === 'number') {
      path[path.length - 1] = (path[path.length - 1] as number) + 1;
    }
    const prefix = chatPrefixLength(path);
    if (isValueStart && prefix !== undefined && path.length === prefix + 2 && path[prefix] === 'messages') {
      if (token.name === 'startObject') {
        if (!chat && meta.id !== undefined) chat = chatOf(meta, singleChat ? options.chatKey : undefined);
        assembler = new Assembler();
        assembler.consume(token as never);
        continue;
      }
    }
    switch (token.name) {
      case 'startObject':
        path.push(null);
        if (path.length === 4 && (path[0] === 'chats' || path[0] === 'left_chats') && path[1] === 'list') {
          meta = {};
          chat = undefined;
          skippedInChat = 0;
        }
        break;
      case 'startArray':
        path.push(-1);
        break;
      case 'keyValue':
        path[path.length - 1] = token.value as string;
        if (path.length === 1 && path[0] === 'chats') singleChat = false;
        break;
      case 'endObject':
      case 'endArray': {
        path.pop();
        if (
          token.name === 'endArray' &&
          prefix !== undefined &&
          path.length === prefix + 1 &&
          path[prefix] === 'messages'
        ) {
          if (chat && chat.type !== 'personal_chat' && skippedInChat > 0) {
            yield {
              kind: 'skipped',
              position: `chat ${chat.id}`,
              chatKey: chat.chatKey,
              reason: `${skippedInChat} message(s) of "${chat.name}" not imported: a ${chat.type} has no single customer`,
            };
          }
        }
        break;
      }
      default: {
        // A scalar: keep the chat's id, name and type.
        if (prefix !== undefined && path.length === prefix + 1) {
          const key = path[prefix];
          if (key === 'id' && (typeof token.value === 'string' || typeof token.value === 'number')) {
            meta.id = token.name === 'numberValue' ? Number(token.value) : String(token.value);
          } else if (key === 'name' && typeof token.value === 'string') meta.name = token.value;
          else if (key === 'type' && typeof token.value === 'string') meta.type = token.value;
        }
      }
    }
  }
}

function chatOf(
  meta: { id?: number | string; name?: string; type?: string },
  chatKey: string | undefined,
): TelegramChat {
  const id = meta.id ?? '';
  return { id, name: meta.name ?? '', type: meta.type ?? 'personal_chat', chatKey: chatKey ?? String(id) };
}
