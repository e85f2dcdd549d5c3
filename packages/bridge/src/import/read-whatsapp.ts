import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { parseString } from 'whatsapp-chat-parser';
import type { ImportContent, ImportItem } from './import-message.js';

/** Options of {@link readWhatsapp}. */
export interface WhatsappReadOptions {
  /** The export's own author (the business's phone): its messages are outgoing. */
  readonly self?: string | undefined;
  /** Authors known as managers (the map file's names): outgoing too. */
  readonly managerNames: ReadonlySet<string>;
  /** Whether dates start with the day; default: told from the dates themselves by the parser. */
  readonly daysFirst?: boolean | undefined;
  /** Overrides the chat key (default `whatsapp:<customer phone or name>`). */
  readonly chatKey?: string | undefined;
}

const LRM = /^[\u200e\u200f]+/;
// iOS writes "image omitted", Android "<Media omitted>"; both mean the chat was exported without media.
const OMITTED = /^(?:<media omitted>|(?:image|video|audio|sticker|document|gif|contact card) omitted)$/i;
const DELETED = /^(?:this message was deleted|you deleted this message)\.?$/i;
const EDITED = /\s*[\u200e\u200f]*<this message was edited>\s*$/i;
const PHONE = /^\+?[\d\s().-]{7,}$/;

const mediaType = (fileName: string): 'picture' | 'video' | 'audio' | 'voice' | 'sticker' | 'file' => {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.opus') return 'voice';
  if (ext === '.webp') return 'sticker';
  if (['.jpg', '.jpeg', '.png', '.gif', '.heic'].includes(ext)) return 'picture';
  if (['.mp4', '.mov', '.3gp'].includes(ext)) return 'video';
  if (['.mp3', '.m4a', '.aac', '.ogg', '.wav'].includes(ext)) return 'audio';
  return 'file';
};

/**
 * Reads one WhatsApp chat export (Android or iOS, any locale's date format) with `whatsapp-chat-parser`. The
 * export names authors only: the business side is `self` or a manager of the map file, every other author is the
 * customer, so a group (more than one other author) is not imported. Skipped, each with a report line: system lines
 * (encryption notice, joins, missed calls), "media omitted" markers of an export without media, deleted messages.
 * An edited message is imported with its final text (the "<This message was edited>" marker removed).
 */
export function* readWhatsapp(text: string, textName: string, options: WhatsappReadOptions): Generator<ImportItem> {
  const messages = parseString(text.replace(/^\ufeff/, ''), {
    parseAttachments: true,
    ...(options.daysFirst === undefined ? {} : { daysFirst: options.daysFirst }),
  });
  const business = (author: string) => author === options.self || options.managerNames.has(author);
  const authors = new Set<string>();
  for (const m of messages) {
    if (m.author !== null && !LRM.test(m.message.trim()) && !business(m.author)) authors.add(m.author);
  }
  const chatName = basename(textName, extname(textName)).replace(/^WhatsApp Chat (?:with|-) /i, '');
  const fallbackKey = options.chatKey ?? `whatsapp:${chatName}`;
  if (authors.size > 1) {
    yield {
      kind: 'error',
      position: textName,
      chatKey: fallbackKey,
      reason: `${authors.size} authors besides the business (${[...authors].slice(0, 5).join(', ')}): a group chat is not imported; name the business author with --self or in --map`,
    };
    return;
  }
  const [customerName = chatName] = [...authors];
  const phone = PHONE.test(customerName) ? customerName.replace(/[^\d+]/g, '') : undefined;
  const chatKey = options.chatKey ?? `whatsapp:${phone ?? customerName}`;
  const customer = { id: phone ?? customerName, name: customerName, ...(phone ? { phone } : {}) };
  const seen = new Map<string, number>();
  let lineIndex = 0;
  for (const m of messages) {
    lineIndex++;
    const position = `${textName} message ${lineIndex} (${m.date.toISOString()})`;
    const raw = m.message.replace(EDITED, '');
    const marked = LRM.test(raw);
    const body = raw.replace(LRM, '').trim();
    if (m.author === null) {
      yield { kind: 'skipped', position, chatKey, reason: `system line: ${body.slice(0, 80)}` };
      continue;
    }
    if (OMITTED.test(body)) {
      yield { kind: 'skipped', position, chatKey, reason: 'media omitted: the chat was exported without media' };
      continue;
    }
    if (DELETED.test(body)) {
      yield { kind: 'skipped', position, chatKey, reason: 'deleted message' };
      continue;
    }
    let content: ImportContent;
    if (m.attachment) {
      const fileName = m.attachment.fileName;
      // Android puts a caption on the line after "IMG-...jpg (file attached)".
      const caption = body.split('\n').slice(1).join('\n').trim();
      content = { type: mediaType(fileName), text: caption, media: { path: fileName }, fileName };
    } else if (marked) {
      // iOS marks its system lines (encryption notice, "changed the subject", ...) with a left-to-right mark.
      yield { kind: 'skipped', position, chatKey, reason: `system line: ${body.slice(0, 80)}` };
      continue;
    } else if (!body) {
      yield { kind: 'skipped', position, chatKey, reason: 'empty message' };
      continue;
    } else {
      content = { type: 'text', text: body };
    }
    const sentAt = m.date.getTime();
    const digest = createHash('sha256').update(`${sentAt}\n${m.author}\n${body}`).digest('base64url').slice(0, 22);
    const occurrence = (seen.get(digest) ?? 0) + 1;
    seen.set(digest, occurrence);
    const outgoing = business(m.author);
    yield {
      kind: 'message',
      position,
      chatKey,
      messageKey: `wa:${digest}:${occurrence}`,
      customer,
      direction: outgoing ? 'out-manager' : 'in',
      manager: outgoing ? { name: m.author } : undefined,
      sentAt,
      content,
    };
  }
}
