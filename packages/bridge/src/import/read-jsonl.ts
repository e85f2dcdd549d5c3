import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ImportItem } from './import-message.js';
import { contentOf, jsonlLine, timestampMs } from './jsonl-schema.js';

/**
 * Reads a JSON Lines export one line at a time (memory stays flat whatever the file size). A line without an `id`
 * is identified by its line number within this exact file (`fileHash`), so re-running the same file gives the
 * same msgids; blank lines are ignored.
 */
export async function* readJsonl(file: string, fileHash: string): AsyncGenerator<ImportItem> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const position = `line ${lineNo}`;
    const line = raw.trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      yield { kind: 'error', position, reason: `not JSON: ${(error as Error).message}` };
      continue;
    }
    const parsed = jsonlLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || '(line)';
      const chatKey =
        typeof (json as { chat?: unknown })?.chat === 'string' ? (json as { chat: string }).chat : undefined;
      yield { kind: 'error', position, chatKey, reason: `${field}: ${issue?.message ?? 'invalid'}` };
      continue;
    }
    const value = parsed.data;
    const content = contentOf(value.message);
    if (typeof content === 'string') {
      yield { kind: 'error', position, chatKey: value.chat, reason: content };
      continue;
    }
    if (value.direction === 'out-manager' && !value.manager?.name && !value.manager?.amojoId) {
      yield {
        kind: 'error',
        position,
        chatKey: value.chat,
        reason: 'manager: name or amojoId is required for out-manager',
      };
      continue;
    }
    yield {
      kind: 'message',
      position,
      chatKey: value.chat,
      messageKey: value.id === undefined ? `line:${fileHash.slice(0, 16)}:${lineNo}` : `id:${value.id}`,
      customer: value.customer,
      direction: value.direction,
      manager: value.manager,
      sentAt: timestampMs(value.timestamp),
      content,
    };
  }
}
