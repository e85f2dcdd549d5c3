import type { ImportReportLine } from './import-run-store.js';
import type { ImportSource } from './open-import-source.js';

/** Report lines kept per run (a file of nothing but bad lines still has a bounded report; the counts stay exact). */
export const MAX_REPORT_LINES = 100_000;

/** What one read of the whole source found. */
export interface ScanResult {
  readonly chats: Map<string, { total: number; newestAt: number }>;
  readonly total: number;
  readonly report: ImportReportLine[];
  readonly skipped: number;
  readonly failed: number;
  /** Messages whose timestamp is earlier than the one before them in their chat (sent in file order anyway). */
  readonly outOfOrder: number;
}

/**
 * The first pass: counts each chat's messages and finds its newest (the last in file order), which is the only one
 * sent with `silent: false`. Keeps one small entry per chat, never the messages.
 */
export async function scanImport(source: ImportSource, onItem?: (read: number) => void): Promise<ScanResult> {
  const chats = new Map<string, { total: number; newestAt: number; lastAt: number }>();
  const report: ImportReportLine[] = [];
  let total = 0;
  let skipped = 0;
  let failed = 0;
  let outOfOrder = 0;
  let read = 0;
  for await (const item of source.read()) {
    read++;
    if (read % 1000 === 0) onItem?.(read);
    if (item.kind !== 'message') {
      if (item.kind === 'skipped') skipped++;
      else failed++;
      if (report.length < MAX_REPORT_LINES)
        report.push({
          position: item.position,
          chatKey: item.chatKey ?? null,
          msgid: null,
          kind: item.kind,
          reason: item.reason,
        });
      continue;
    }
    total++;
    const chat = chats.get(item.chatKey);
    if (!chat) {
      chats.set(item.chatKey, { total: 1, newestAt: item.sentAt, lastAt: item.sentAt });
      continue;
    }
    if (item.sentAt < chat.lastAt) outOfOrder++;
    chat.total++;
    chat.lastAt = item.sentAt;
    chat.newestAt = Math.max(chat.newestAt, item.sentAt);
  }
  return { chats, total, report, skipped, failed, outOfOrder };
}
