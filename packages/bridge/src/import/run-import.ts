import { createHash } from 'node:crypto';
import {
  AmojoApiError,
  type AmojoClient,
  isDuplicateMsgidError,
  type MessageContent,
  type ParticipantInput,
} from '@amojo-bridge/sdk';
import type { Logger } from '../log.js';
import { findAccount } from '../store/accounts/index.js';
import { findChannelInstance } from '../store/channel-instances/index.js';
import { findConversation, findOrCreateConversation, updateConversation } from '../store/conversations/index.js';
import {
  type AmojoChatId,
  asAmojoChatId,
  asChannelChatKey,
  asConversationId,
  type ChannelInstanceKey,
  type ConversationId,
  type ConversationRowId,
} from '../store/ids.js';
import { upsertParticipant } from '../store/participants/index.js';
import { listSources } from '../store/sources/index.js';
import type { Store } from '../store/store.js';
import { type AccountUsers, nameKey, usersByName } from './account-users.js';
import {
  buildImportRequest,
  type ChannelBot,
  customerParticipant,
  importMsgid,
  outgoingAuthor,
} from './build-import-request.js';
import { ChatLanes } from './chat-lanes.js';
import { importMediaUrl, MAX_IMPORT_MEDIA_BYTES, mimeTypeOf, storeImportMedia } from './import-media.js';
import type { ImportMessage } from './import-message.js';
import {
  findOrCreateImportRun,
  type ImportReportLine,
  insertImportChats,
  insertImportReport,
  listImportChats,
  saveImportMarks,
  updateImportRun,
} from './import-run-store.js';
import { type ManagerMap, ManagerMapError, resolveUserIds } from './manager-map.js';
import type { ImportSource } from './open-import-source.js';
import { scanImport } from './scan-import.js';

/** What the import engine needs. */
export interface ImportDeps {
  readonly store: Store;
  readonly amojo: Pick<AmojoClient, 'sendMessage'>;
  readonly bot: ChannelBot;
  /** The bridge's public base URL: amojo downloads the export's media from it. */
  readonly publicUrl: string | undefined;
  readonly log: Logger;
  readonly now: () => Date;
  /** The account's users for matching managers by name (needs its OAuth tokens); absent: the map file only. */
  readonly accountUsers?: AccountUsers | undefined;
}

/** Progress, reported at most every `progressIntervalMs`. */
export interface ImportProgress {
  readonly phase: 'scanning' | 'sending';
  /** Scanning: items read. Sending: messages handled this run (sent, duplicate, failed or already sent). */
  readonly done: number;
  /** Sending: messages of the file; 0 while scanning. */
  readonly total: number;
  readonly sent: number;
  readonly duplicates: number;
  readonly failed: number;
}

/** Options of {@link runImport}. */
export interface ImportOptions {
  readonly source: ImportSource;
  readonly instanceKey: ChannelInstanceKey;
  readonly managers: ManagerMap;
  readonly dryRun?: boolean | undefined;
  /** Chats sent in parallel (each chat's messages always one after another); default 8. */
  readonly concurrency?: number | undefined;
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
  readonly progressIntervalMs?: number | undefined;
  /** Stops the run (Ctrl-C): marks are saved, the same file again continues. */
  readonly signal?: AbortSignal | undefined;
  /** Called once the run row exists (the admin API answers with its id). */
  readonly onRun?: ((runId: number) => void) | undefined;
}

/** The summary of a run. */
export interface ImportSummary {
  readonly runId: number | null;
  readonly dryRun: boolean;
  readonly format: string;
  readonly chats: number;
  readonly total: number;
  /** Sent to amojo by this run. */
  readonly sent: number;
  /** amojo already had them (a crashed run's last messages): not posted twice. */
  readonly duplicates: number;
  /** Sent by an earlier run of the same file. */
  readonly alreadyImported: number;
  readonly failed: number;
  readonly skipped: number;
  readonly outOfOrder: number;
  /** Messages more than 24 h older than their chat's newest one: amoCRM's card does not show them. */
  readonly olderThanCardWindow: number;
  /** Manager names matched to amoCRM users by name through the account's REST API. */
  readonly matchedByName: readonly string[];
  /** Why names could not be matched through the REST API (no OAuth tokens), when there were names to match. */
  readonly nameMatching: 'used' | 'no-tokens' | 'not-needed';
  /** Manager names sent as the bot because the map file does not list them. */
  readonly unmappedManagers: readonly string[];
  /** Chats whose newest message is outgoing: amoCRM creates an unsorted lead only for an incoming one. */
  readonly chatsEndingOutgoing: number;
  readonly report: readonly ImportReportLine[];
}

/** Thrown when the import cannot go on (amojo unreachable, instance unknown); the same file again continues. */
export class ImportAbortedError extends Error {
  override readonly name = 'ImportAbortedError';
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface ChatState {
  readonly chatKey: string;
  readonly total: number;
  readonly newestAt: number;
  sentThrough: number;
  conversationRowId: ConversationRowId | null;
  conversation?: { id: ConversationRowId; conversationId: ConversationId; amojoChatId: AmojoChatId | null } | undefined;
  nextOrdinal: number;
  dirty: boolean;
}

/**
 * Imports a source into one channel instance's amoCRM account (guide, extension 4). Two passes over the file:
 * a scan (counts, newest message per chat, parse errors), then the send, each chat's messages in file order with
 * their original timestamps and `silent: true` on all but the chat's newest. Resumable: every chat's high-water
 * mark is saved every `progressIntervalMs`; a run of the same file skips what amojo has, and the few messages sent
 * after the last save before a crash are refused by amojo as duplicate msgids, counted, never posted twice.
 */
export async function runImport(deps: ImportDeps, options: ImportOptions): Promise<ImportSummary> {
  const { source, instanceKey } = options;
  const dryRun = options.dryRun ?? false;
  const db = deps.store.db;
  const instance = await findChannelInstance(db, { key: instanceKey });
  if (!instance) throw new ImportAbortedError(`channel instance ${instanceKey} does not exist`);
  if (instance.accountId === null)
    throw new ImportAbortedError(`channel instance ${instanceKey} is not attached to an account`);
  const account = await findAccount(db, { id: instance.accountId });
  if (account?.state !== 'connected') throw new ImportAbortedError(`the account of ${instanceKey} is not connected`);
  // Numeric amoCRM user ids in the map file become amojo ids before anything is read or sent (needs OAuth tokens).
  let mapped: ManagerMap;
  try {
    mapped = await resolveUserIds(options.managers, async () =>
      deps.accountUsers ? deps.accountUsers(account.id) : null,
    );
  } catch (error) {
    // The map's own fault keeps its type, so the admin API names the `map` field.
    if (error instanceof ManagerMapError) throw error;
    throw new ImportAbortedError((error as Error).message);
  }
  const [sourceRow] = await listSources(db, { channelInstanceId: instance.rowId });
  const sourceExternalId = sourceRow?.externalId ?? null;
  const now = () => deps.now().getTime();
  const interval = options.progressIntervalMs ?? 500;

  const runKey = createHash('sha256').update(`${instanceKey}\n${source.format}\n${source.fileHash}`).digest('hex');
  const run = dryRun
    ? undefined
    : await findOrCreateImportRun(db, {
        runKey,
        channelInstanceId: instance.rowId,
        format: source.format,
        fileName: source.fileName,
        now: now(),
      });
  if (run) options.onRun?.(run.id);

  // Pass 1, unless an earlier run of this file already scanned it.
  const chats = new Map<string, ChatState>();
  let report: ImportReportLine[] = [];
  let total = 0;
  let skipped = 0;
  let failed = 0;
  let outOfOrder = 0;
  if (run && run.state !== 'scanning') {
    for (const c of await listImportChats(db, run.id)) {
      chats.set(c.chatKey, { ...c, nextOrdinal: 0, dirty: false });
      total += c.total;
    }
    skipped = run.skipped;
    failed = run.failed;
    await updateImportRun(db, run.id, { state: 'sending', error: null, now: now() });
  } else {
    const scan = await scanImport(source, (read) =>
      options.onProgress?.({ phase: 'scanning', done: read, total: 0, sent: 0, duplicates: 0, failed: 0 }),
    );
    total = scan.total;
    skipped = scan.skipped;
    failed = scan.failed;
    outOfOrder = scan.outOfOrder;
    report = scan.report;
    for (const [chatKey, c] of scan.chats) {
      chats.set(chatKey, {
        chatKey,
        total: c.total,
        newestAt: c.newestAt,
        sentThrough: -1,
        conversationRowId: null,
        nextOrdinal: 0,
        dirty: false,
      });
    }
    if (run) {
      const runId = run.id;
      await deps.store.transaction(async (trx) => {
        await insertImportChats(
          trx,
          runId,
          scan.chats.size ? [...scan.chats].map(([chatKey, c]) => ({ chatKey, ...c })) : [],
          now(),
        );
        await insertImportReport(trx, runId, report, now());
        await updateImportRun(trx, runId, {
          state: 'sending',
          total,
          chats: chats.size,
          skipped,
          failed,
          error: null,
          now: now(),
        });
      });
    }
  }

  // Pass 2.
  const counters = { sent: 0, duplicates: 0, failed: 0, skipped: 0, already: 0, older: 0, done: 0 };
  const baseSent = run?.sent ?? 0;
  const baseDuplicates = run?.duplicates ?? 0;
  const unmapped = new Set<string>();
  // Managers: the map file first; names it lacks are looked up once among the account's users (OAuth tokens).
  const managers = new Map(mapped);
  const matchedByName = new Set<string>();
  let nameMatching: ImportSummary['nameMatching'] = 'not-needed';
  let users: Promise<ReadonlyMap<string, { name: string; amojoId: string }> | null> | undefined;
  const resolveByName = async (message: ImportMessage) => {
    const name = message.manager?.name;
    if (message.direction !== 'out-manager' || message.manager?.amojoId || !name || managers.has(name)) return;
    if (!deps.accountUsers) return;
    users ??= deps.accountUsers(account.id).then(
      (list) => (list ? usersByName(list) : null),
      (error: unknown) => {
        deps.log.warn({ err: error }, 'reading the account users failed: managers matched by the map file only');
        return null;
      },
    );
    const byName = await users;
    nameMatching = byName ? 'used' : 'no-tokens';
    const user = byName?.get(nameKey(name));
    if (user) {
      managers.set(name, { amojoId: user.amojoId, name: user.name });
      matchedByName.add(name);
    }
  };
  const sendReport: ImportReportLine[] = [];
  const publicUrl = deps.publicUrl;

  const flush = async (final: boolean) => {
    if (!run) return;
    const marks = [...chats.values()].filter((c) => c.dirty);
    for (const c of marks) c.dirty = false;
    const lines = sendReport.splice(0);
    const runId = run.id;
    await deps.store.transaction(async (trx) => {
      await saveImportMarks(
        trx,
        runId,
        marks.map((c) => ({ chatKey: c.chatKey, sentThrough: c.sentThrough, conversationRowId: c.conversationRowId })),
        now(),
      );
      await insertImportReport(trx, runId, lines, now());
      await updateImportRun(trx, runId, {
        sent: baseSent + counters.sent,
        duplicates: baseDuplicates + counters.duplicates,
        failed: failed + counters.failed,
        skipped: skipped + counters.skipped,
        ...(final ? { state: 'done' as const, finishedAt: now() } : {}),
        now: now(),
      });
    });
  };

  const fail = (
    chat: ChatState,
    message: ImportMessage,
    msgid: string | null,
    kind: 'error' | 'skipped',
    reason: string,
  ) => {
    if (kind === 'error') counters.failed++;
    else counters.skipped++;
    const line = { position: message.position, chatKey: chat.chatKey, msgid, kind, reason };
    sendReport.push(line);
    if (report.length < 100_000) report.push(line);
  };

  const ensureConversation = async (chat: ChatState, message: ImportMessage) => {
    if (chat.conversation) return chat.conversation;
    const existing =
      chat.conversationRowId !== null ? await findConversation(db, { id: chat.conversationRowId }) : undefined;
    const conversation =
      existing ??
      (await deps.store.transaction(async (trx) => {
        const found = await findOrCreateConversation(trx, {
          accountId: account.id,
          channelInstanceId: instance.rowId,
          channelChatKey: asChannelChatKey(liveChatKey(instance.kind, chat.chatKey)),
          conversationId: asConversationId(
            `ab-c-${createHash('sha256').update(`${instanceKey}\n${chat.chatKey}`).digest('base64url').slice(0, 32)}`,
          ),
          sourceExternalId,
          phone: message.customer.phone ?? null,
          now: now(),
        });
        const customer = customerParticipant(instanceKey, message);
        await upsertParticipant(trx, {
          conversationRowId: found.conversation.id,
          role: 'client',
          participantId: customer.id,
          name: customer.name,
          profile: customer.profile ?? {},
          now: now(),
        });
        return found.conversation;
      }));
    chat.conversationRowId = conversation.id;
    chat.dirty = true;
    chat.conversation = {
      id: conversation.id,
      conversationId: conversation.conversationId,
      amojoChatId: conversation.amojoChatId,
    };
    return chat.conversation;
  };

  const resolveContent = async (
    chat: ChatState,
    message: ImportMessage,
    msgid: string,
  ): Promise<MessageContent | undefined> => {
    const c = message.content;
    if (c.type === 'text' || c.type === 'location' || c.type === 'contact') return c as MessageContent;
    let url: string;
    let fileSize = c.fileSize;
    const fileName = c.fileName ?? ('path' in c.media ? c.media.path.split('/').pop() : undefined) ?? 'file';
    if ('url' in c.media) url = c.media.url;
    else {
      const data = await source.readMedia(c.media.path);
      if (!data) {
        fail(chat, message, msgid, 'skipped', `${c.type} ${c.media.path} is not in the export`);
        return undefined;
      }
      if (data.length > MAX_IMPORT_MEDIA_BYTES) {
        fail(chat, message, msgid, 'error', `${c.media.path} is larger than ${MAX_IMPORT_MEDIA_BYTES} bytes`);
        return undefined;
      }
      if (!publicUrl) {
        fail(chat, message, msgid, 'error', 'PUBLIC_URL is not set: amojo downloads imported media from the bridge');
        return undefined;
      }
      fileSize = data.length;
      if (dryRun) url = importMediaUrl(publicUrl, 'dry-run', fileName);
      else {
        const key = await storeImportMedia(db, {
          fileName,
          mimeType: mimeTypeOf(fileName, c.mimeType),
          data,
          now: now(),
        });
        url = importMediaUrl(publicUrl, key, fileName);
      }
    }
    return {
      type: c.type,
      text: c.text,
      media: url,
      fileName,
      fileSize: fileSize ?? 0,
      ...(c.mediaDuration !== undefined ? { mediaDuration: c.mediaDuration } : {}),
    } as MessageContent;
  };

  // Sends one message; returns once it is handled (sent, duplicate, failed or skipped into the report). Throws
  // ImportAbortedError when amojo cannot be reached: then the chat's mark stays before this message.
  const handleOne = async (chat: ChatState, message: ImportMessage, ordinal: number): Promise<void> => {
    const msgid = importMsgid(instanceKey, message);
    if (message.sentAt < chat.newestAt - DAY_MS) counters.older++;
    let author: ParticipantInput | undefined;
    if (message.direction !== 'in') {
      await resolveByName(message);
      const resolved = outgoingAuthor(message, managers, deps.bot);
      if ('error' in resolved) return fail(chat, message, msgid, 'error', resolved.error);
      if (resolved.unmapped) unmapped.add(resolved.unmapped);
      author = resolved.sender;
    }
    const content = await resolveContent(chat, message, msgid);
    if (!content) return;
    if (dryRun) {
      counters.sent++;
      return;
    }
    const conversation = await ensureConversation(chat, message);
    const request = buildImportRequest({
      msgid,
      conversationId: conversation.conversationId,
      sourceExternalId,
      message,
      customer: customerParticipant(instanceKey, message),
      author,
      silent: ordinal !== chat.total - 1,
      content,
    });
    try {
      const sent = await deps.amojo.sendMessage(account.scopeId, request);
      counters.sent++;
      const chatId = sent.response.new_message.conversation_id;
      if (!conversation.amojoChatId && chatId && chatId !== conversation.conversationId) {
        conversation.amojoChatId = asAmojoChatId(chatId);
        await updateConversation(db, {
          id: conversation.id,
          amojoChatId: conversation.amojoChatId,
          activityAt: now(),
          now: now(),
        });
      }
    } catch (error) {
      if (isDuplicateMsgidError(error)) counters.duplicates++;
      else if (error instanceof AmojoApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        fail(chat, message, msgid, 'error', `amojo refused it: ${error.status} ${error.description ?? error.message}`);
      } else {
        throw new ImportAbortedError(`amojo did not accept ${message.position}: ${(error as Error).message}`);
      }
    }
  };

  const interrupted = () => new ImportAbortedError('interrupted: run the same import again to continue');
  const sendOne = async (_lane: string, job: { chat: ChatState; message: ImportMessage; ordinal: number }) => {
    // Checked before each send too: up to 2,000 messages are read ahead, so a check in the reading loop alone left
    // Ctrl-C waiting for all of them.
    if (options.signal?.aborted) throw interrupted();
    await handleOne(job.chat, job.message, job.ordinal);
    counters.done++;
    if (job.chat.sentThrough < job.ordinal) {
      job.chat.sentThrough = job.ordinal;
      job.chat.dirty = true;
    }
  };

  const lanes = new ChatLanes(sendOne, Math.max(1, options.concurrency ?? 8), 2000);
  const toSend = [...chats.values()].reduce((n, c) => n + c.total - (c.sentThrough + 1), 0);
  const report_ = () =>
    options.onProgress?.({
      phase: 'sending',
      done: counters.done,
      total: toSend,
      sent: counters.sent,
      duplicates: counters.duplicates,
      failed: counters.failed,
    });
  let flushing: Promise<void> = Promise.resolve();
  let chatsEndingOutgoing = 0;
  const timer = setInterval(() => {
    report_();
    flushing = flushing
      .then(() => flush(false))
      .catch((error: unknown) => deps.log.warn({ err: error }, 'saving import progress failed'));
  }, interval);
  try {
    for await (const item of source.read()) {
      if (options.signal?.aborted) throw interrupted();
      if (item.kind !== 'message') continue;
      const chat = chats.get(item.chatKey);
      if (!chat) continue;
      const ordinal = chat.nextOrdinal++;
      if (ordinal === chat.total - 1 && item.direction !== 'in') chatsEndingOutgoing++;
      if (ordinal <= chat.sentThrough) {
        counters.already++;
        continue;
      }
      await lanes.push(chat.chatKey, { chat, message: item, ordinal });
    }
    await lanes.drain();
  } catch (error) {
    clearInterval(timer);
    await flushing;
    await flush(false).catch(() => undefined);
    if (run)
      await updateImportRun(db, run.id, { state: 'failed', error: (error as Error).message, now: now() }).catch(
        () => undefined,
      );
    throw error;
  }
  clearInterval(timer);
  await flushing;
  await flush(true);
  report_();
  return {
    runId: run?.id ?? null,
    dryRun,
    format: source.format,
    chats: chats.size,
    total,
    sent: counters.sent,
    duplicates: counters.duplicates,
    alreadyImported: counters.already,
    failed: failed + counters.failed,
    skipped: skipped + counters.skipped,
    outOfOrder,
    olderThanCardWindow: counters.older,
    unmappedManagers: [...unmapped],
    matchedByName: [...matchedByName],
    nameMatching,
    chatsEndingOutgoing,
    report,
  };
}

/**
 * The key the instance's live messages use for this chat, so the customer's next live message continues the
 * imported amoCRM chat instead of opening a second one. A WhatsApp export names the customer by phone
 * (`whatsapp:+79123456789`); the WhatsApp channel keys a chat by the customer's wa_id, the phone's digits. The
 * import's own bookkeeping (msgids, marks) keeps the file's key, so re-running a file never changes its msgids.
 */
export function liveChatKey(instanceKind: string, chatKey: string): string {
  const phone = /^whatsapp:\+?(\d{7,15})$/.exec(chatKey);
  return instanceKind === 'whatsapp' && phone ? (phone[1] as string) : chatKey;
}
