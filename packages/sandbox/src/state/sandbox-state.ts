import { EventEmitter } from 'node:events';
import { type ChannelConfig, DEFAULT_REACTIONS } from '../config.js';
import type { CrmState } from '../crm/index.js';
import { type FaultSettings, normalizeFaults } from '../faults/fault-settings.js';
import { createRandom, type Random } from '../faults/prng.js';
import type { HookLogEntry } from '../hooks/hook-log.js';
import type { ChatRecord, MessageRecord, ParticipantRecord, ScopeRecord } from './records.js';
import {
  chatView,
  messageView,
  type SandboxChatView,
  type SandboxConfigView,
  type SandboxEvent,
  type SandboxMessageView,
} from './views.js';

// Defined beside the other views so the inbox page can import them without this module's Node imports.
export type { SandboxConfigView, SandboxEvent } from './views.js';

/** What {@link SandboxState.exportData} returns and the state file holds. */
export interface SandboxStateData {
  readonly scopes: readonly ScopeRecord[];
  readonly clients: readonly ParticipantRecord[];
  readonly chats: readonly ChatRecord[];
  readonly messages: readonly MessageRecord[];
  /** Raw msgid index entries (a renamed message keeps its old msgid taken). */
  readonly msgids: readonly (readonly [string, string])[];
}

const key = (a: string, b: string): string => `${a}\n${b}`;
// Hooks and API calls draw from separate streams, so the faults one of them sees do not depend on the other's traffic.
const API_STREAM = 0x9e3779b9;

/** All state of one sandbox: channels, scopes, participants, chats, messages, hook log, faults; emits live events. */
export class SandboxState {
  readonly crm: CrmState;
  readonly channels: ReadonlyMap<string, ChannelConfig>;
  readonly scopes = new Map<string, ScopeRecord>();
  readonly participants = new Map<string, ParticipantRecord>();
  readonly chats = new Map<string, ChatRecord>();
  readonly messages = new Map<string, MessageRecord>();
  readonly hookLog: HookLogEntry[] = [];
  /** Last manager typing hook per chat+user (ms), for the 5 s throttle of spec 4.4. */
  readonly typingHookSentAt = new Map<string, number>();
  readonly now: () => Date;
  private readonly clientIndex = new Map<string, string>();
  private readonly chatIndex = new Map<string, string>();
  private readonly msgidIndex = new Map<string, string>();
  private readonly chatMessages = new Map<string, MessageRecord[]>();
  private readonly events = new EventEmitter();
  private currentFaults: FaultSettings;
  private hookRandom: Random;
  private apiRandom: Random;

  constructor(options: {
    crm: CrmState;
    channels: readonly ChannelConfig[];
    faults?: unknown;
    now?: () => Date;
  }) {
    this.crm = options.crm;
    this.channels = new Map(options.channels.map((c) => [c.id, c]));
    this.now = options.now ?? (() => new Date());
    this.events.setMaxListeners(0);
    this.currentFaults = normalizeFaults(options.faults ?? {});
    const seed = this.currentFaults.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.hookRandom = createRandom(seed);
    this.apiRandom = createRandom(seed ^ API_STREAM);
    this.crm.on('change', (e) => this.emit({ type: 'crm', accountAmojoId: e.accountAmojoId }));
  }

  /** Current time in unix ms, from the configured clock. */
  nowMs(): number {
    return this.now().getTime();
  }

  /** Current fault settings. */
  get faults(): FaultSettings {
    return this.currentFaults;
  }

  /** Replaces the fault settings (validated; missing fields get defaults). A seed restarts the PRNG streams. */
  setFaults(input: unknown): FaultSettings {
    const next = normalizeFaults(input);
    this.currentFaults = next;
    if (next.seed !== null) {
      this.hookRandom = createRandom(next.seed);
      this.apiRandom = createRandom(next.seed ^ API_STREAM);
    }
    return next;
  }

  /** Next number of the hook fault stream. */
  hookDraw(): number {
    return this.hookRandom();
  }

  /** Next number of the API fault stream. */
  apiDraw(): number {
    return this.apiRandom();
  }

  /** Subscribes to live events; returns the unsubscribe function. */
  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  /** Subscribes to scope connections and disconnections (used by the CLI to print the scope id). */
  onScopeChange(listener: (scope: ScopeRecord) => void): () => void {
    this.events.on('scope', listener);
    return () => this.events.off('scope', listener);
  }

  /** Emits a live event. */
  emit(event: SandboxEvent): void {
    this.events.emit('event', event);
  }

  /** Announces a scope change. */
  scopeChanged(scope: ScopeRecord): void {
    this.events.emit('scope', scope);
  }

  /** Finds the client participant of a scope by the integration's participant id. */
  clientByClientId(scopeId: string, clientId: string): ParticipantRecord | undefined {
    const id = this.clientIndex.get(key(scopeId, clientId));
    return id === undefined ? undefined : this.participants.get(id);
  }

  /** Stores a participant and indexes it by its integration id within a scope. */
  putParticipant(scopeId: string, participant: ParticipantRecord): void {
    this.participants.set(participant.id, participant);
    if (participant.clientId !== null) this.clientIndex.set(key(scopeId, participant.clientId), participant.id);
  }

  /** Finds a chat of a scope by the integration's conversation id. */
  chatByConversation(scopeId: string, conversationId: string): ChatRecord | undefined {
    const id = this.chatIndex.get(key(scopeId, conversationId));
    return id === undefined ? undefined : this.chats.get(id);
  }

  /** Stores a chat and indexes its conversation id. */
  putChat(chat: ChatRecord): void {
    this.chats.set(chat.id, chat);
    if (chat.conversationId !== null) this.chatIndex.set(key(chat.scopeId, chat.conversationId), chat.id);
    if (!this.chatMessages.has(chat.id)) this.chatMessages.set(chat.id, []);
  }

  /** Finds a message of a scope by the integration's msgid. */
  messageByMsgid(scopeId: string, msgid: string): MessageRecord | undefined {
    const id = this.msgidIndex.get(key(scopeId, msgid));
    return id === undefined ? undefined : this.messages.get(id);
  }

  /** Whether a msgid was ever used in a scope (msgids stay taken even after an edit renames the message). */
  msgidTaken(scopeId: string, msgid: string): boolean {
    return this.msgidIndex.has(key(scopeId, msgid));
  }

  /** Indexes a message under an (additional) integration msgid. */
  indexMsgid(scopeId: string, msgid: string, messageId: string): void {
    this.msgidIndex.set(key(scopeId, msgid), messageId);
  }

  /** Stores a new message and updates its chat's counters. */
  addMessage(message: MessageRecord): void {
    this.messages.set(message.id, message);
    if (message.clientMsgId !== null) this.indexMsgid(message.scopeId, message.clientMsgId, message.id);
    const list = this.chatMessages.get(message.chatId);
    if (list) list.push(message);
    else this.chatMessages.set(message.chatId, [message]);
  }

  /** Messages of a chat, oldest first. */
  chatMessageList(chatId: string): readonly MessageRecord[] {
    return this.chatMessages.get(chatId) ?? [];
  }

  /** The participant with this amojo id; throws when missing (a broken invariant, not a user error). */
  participant(id: string): ParticipantRecord {
    const p = this.participants.get(id);
    if (!p) throw new Error(`participant ${id} is missing`);
    return p;
  }

  /** View of a chat. */
  chatView(chat: ChatRecord): SandboxChatView {
    return chatView(chat, this.participant(chat.clientParticipantId), this.crm.contactForChat(chat.id)?.id ?? null);
  }

  /** View of a message. */
  messageView(message: MessageRecord): SandboxMessageView {
    return messageView(message, this.participant(message.senderId));
  }

  /** Emits the current view of a chat. */
  emitChat(chat: ChatRecord): void {
    if (chat.messageCount > 0) this.emit({ type: 'chat', chat: this.chatView(chat) });
  }

  /** Emits the current view of a message. */
  emitMessage(message: MessageRecord): void {
    // Every change of a message goes through here; the revision lets the inbox drop a stale view (a send answer or a
    // fetched list) that reaches it after the event of a newer change.
    message.rev = (message.rev ?? 0) + 1;
    this.emit({ type: 'message', message: this.messageView(message) });
  }

  /** Chats with at least one message (amoCRM shows no empty chat, spec 3.3), newest activity first. */
  listChats(scopeId?: string): SandboxChatView[] {
    return [...this.chats.values()]
      .filter((c) => c.messageCount > 0 && (scopeId === undefined || c.scopeId === scopeId))
      .sort((a, b) => b.lastMessageAt - a.lastMessageAt)
      .map((c) => this.chatView(c));
  }

  /** Messages of a chat as views, oldest first. */
  listMessages(chatId: string): SandboxMessageView[] {
    return this.chatMessageList(chatId).map((m) => this.messageView(m));
  }

  /** The hook log, oldest first. */
  hooks(): readonly HookLogEntry[] {
    return this.hookLog;
  }

  /** Records a hook attempt and emits it. */
  recordHook(entry: HookLogEntry): void {
    this.hookLog.push(entry);
    this.emit({ type: 'hook', hook: entry });
  }

  /** What `GET /_sandbox/api/config` answers. */
  configView(): SandboxConfigView {
    return {
      accounts: this.accountList().map((a) => ({
        amojoId: a.amojoId,
        id: a.id,
        subdomain: a.subdomain,
        name: a.name ?? a.subdomain,
        users: a.users.map((u) => ({ id: u.id, name: u.name, amojoId: u.amojoId })),
      })),
      channels: [...this.channels.values()].map((c) => ({
        id: c.id,
        name: c.name,
        code: c.code ?? '',
        reactions: c.reactions ?? DEFAULT_REACTIONS,
        writeFirst: c.writeFirst ?? true,
        hookUrl: c.hookUrl ?? '',
      })),
      scopes: [...this.scopes.values()].map((s) => ({
        scopeId: s.scopeId,
        channelId: s.channelId,
        accountId: s.accountId,
        title: s.title,
        connected: s.connected,
        hookApiVersion: s.hookApiVersion,
      })),
    };
  }

  /** Scopes, clients, chats, messages and msgid index as plain JSON (the state file; managers and bots come from config). */
  exportData(): SandboxStateData {
    return {
      scopes: [...this.scopes.values()],
      clients: [...this.participants.values()].filter((p) => p.kind === 'client'),
      chats: [...this.chats.values()],
      messages: [...this.messages.values()],
      msgids: [...this.msgidIndex],
    };
  }

  /** Loads persisted data into an empty state, rebuilding the indexes. */
  importData(data: SandboxStateData): void {
    for (const scope of data.scopes) this.scopes.set(scope.scopeId, { ...scope });
    for (const client of data.clients) this.putParticipant(client.scopeId ?? '', { ...client });
    // A typing indicator does not survive a restart.
    for (const chat of data.chats) this.putChat({ ...chat, typingUntil: null });
    for (const message of data.messages) this.addMessage({ ...message, reactions: [...message.reactions] });
    for (const [k, id] of data.msgids) this.msgidIndex.set(k, id);
  }

  private accountIds: readonly string[] = [];

  /** Remembers the configured account ids, in order (the CRM state has no list method). */
  setAccountIds(ids: readonly string[]): void {
    this.accountIds = ids;
  }

  private accountList() {
    return this.accountIds.map((id) => this.crm.account(id)).filter((a) => a !== undefined);
  }
}
