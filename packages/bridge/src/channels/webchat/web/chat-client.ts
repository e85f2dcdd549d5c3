import type {
  WebchatClientFrame,
  WebchatServerFrame,
  WebchatWireConfig,
  WebchatWireMessage,
  WebchatWireProfile,
  WebchatWireQuote,
} from '../webchat-protocol.js';

/** A message typed (or a file uploaded) but not yet confirmed by the bridge; kept in localStorage. */
export interface OutboxItem {
  readonly clientId: string;
  readonly text: string;
  readonly uploadId?: number;
  readonly type: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly sentAt: number;
  /** The message it quotes (our msgid), and the quote to show meanwhile. */
  readonly replyToId?: string;
  readonly quote?: WebchatWireQuote;
  /**
   * Set when the message will never be sent as it is: the bridge refused it (its reason), or it is too large for a
   * frame (`too_large`). It stays visible with a "remove" action and no longer holds back the messages after it.
   */
  readonly failed?: string;
}

/** The server's limits before its config frame arrives (the same numbers: 10,000 characters, 64 KiB frames). */
export const DEFAULT_LIMITS = { textMaxLength: 10_000, frameMaxBytes: 64 * 1024 } as const;

/** Why a message was not queued. */
export type SendRefusal = 'too_long' | 'too_large';

/** What the UI renders. */
export interface ChatState {
  readonly connection: 'connecting' | 'online' | 'offline';
  readonly config: WebchatWireConfig | null;
  /** True once the visitor has a session (token); false shows the pre-chat form. */
  readonly started: boolean;
  readonly messages: readonly WebchatWireMessage[];
  /** Earlier messages than `messages` exist ("show earlier"); `loadingEarlier` while a page is on its way. */
  readonly hasEarlier: boolean;
  readonly loadingEarlier: boolean;
  readonly outbox: readonly OutboxItem[];
  readonly managerTypingUntil: number;
  readonly error: string | null;
}

/** Options of {@link ChatClient}. */
export interface ChatClientOptions {
  /** `https://bridge.example` */
  readonly baseUrl: string;
  readonly instance: string;
}

/** How long a socket must stay open to count as a working connection (and reset the reconnect backoff). */
const STABLE_SOCKET_MS = 10_000;

/**
 * How long a new socket may take to bring the bridge's first frame (its config, sent as soon as the socket is
 * accepted). A handshake that never completes (a proxy or a stalled network holding it) would otherwise keep the
 * widget "connecting" until the browser gives up, minutes later; past this it is closed and the backoff tries again.
 */
const FIRST_FRAME_TIMEOUT_MS = 10_000;

/** What a quote of `m` shows: its text (or file name) cut short, and its author. */
export function quoteOf(m: WebchatWireMessage): WebchatWireQuote {
  const full = m.text || m.fileName || m.type;
  return {
    id: m.id,
    text: full.length > 300 ? `${full.slice(0, 299)}…` : full,
    ...(m.direction === 'out' && m.author ? { author: m.author } : {}),
    ...(m.direction === 'in' ? { mine: true } : {}),
  };
}

const newId = (): string =>
  `c${Date.now().toString(36)}${Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(36)).join('')}`.slice(
    0,
    40,
  );

/**
 * The widget's connection: one WebSocket with reconnection (backoff, and at once when the browser is back online),
 * the visitor token in localStorage, and a localStorage outbox sent in order, one message at a time, each with its
 * client id so the bridge stores it once however many times it is sent (reconnects, several tabs).
 */
export class ChatClient {
  state: ChatState = {
    connection: 'connecting',
    config: null,
    started: false,
    messages: [],
    hasEarlier: false,
    loadingEarlier: false,
    outbox: [],
    managerTypingUntil: 0,
    error: null,
  };
  private socket: WebSocket | null = null;
  private listeners = new Set<() => void>();
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: string | null = null;
  private ready = false;
  private pendingStart: WebchatWireProfile | null = null;
  private lastTyping = 0;
  private readonly tokenKey: string;
  private readonly outboxKey: string;

  constructor(private readonly options: ChatClientOptions) {
    this.tokenKey = `amojo-webchat:${options.instance}:token`;
    this.outboxKey = `amojo-webchat:${options.instance}:outbox`;
    this.state = { ...this.state, started: Boolean(this.token()), outbox: this.readOutbox() };
    addEventListener('online', () => this.reconnectNow());
    addEventListener('offline', () => this.drop());
    addEventListener('storage', (event) => {
      if (event.key === this.outboxKey) this.update({ outbox: this.readOutbox() });
      // Another tab started the chat: this one joins the same conversation.
      if (event.key === this.tokenKey && event.newValue && !this.ready) {
        if (this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'hello', token: event.newValue });
        else this.reconnectNow();
      }
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(): void {
    clearTimeout(this.retryTimer);
    if (this.socket) return;
    if (!navigator.onLine) {
      this.update({ connection: 'offline' });
      return;
    }
    const url = `${this.options.baseUrl.replace(/^http/, 'ws')}/webchat/${encodeURIComponent(this.options.instance)}/socket`;
    const socket = new WebSocket(url);
    this.socket = socket;
    this.update({ connection: 'connecting' });
    let openedAt = 0;
    let firstFrame = false;
    const firstFrameTimer = setTimeout(() => {
      if (!firstFrame && this.socket === socket) socket.close();
    }, FIRST_FRAME_TIMEOUT_MS);
    socket.onopen = () => {
      openedAt = Date.now();
      const token = this.token();
      if (token) this.send({ type: 'hello', token });
      else if (this.pendingStart) this.send({ type: 'start', profile: this.pendingStart });
    };
    socket.onmessage = (event) => {
      if (!firstFrame) {
        firstFrame = true;
        clearTimeout(firstFrameTimer);
      }
      try {
        this.onFrame(JSON.parse(String(event.data)) as WebchatServerFrame);
      } catch {
        // A frame we cannot read is skipped; the next history load repairs the view.
      }
    };
    socket.onclose = () => {
      clearTimeout(firstFrameTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      this.ready = false;
      this.inFlight = null;
      this.update({ connection: navigator.onLine ? 'connecting' : 'offline' });
      if (!navigator.onLine) return;
      // A socket that lived a while was a working connection: the next one starts the backoff over. One closed soon
      // after opening (the server refuses something at once) keeps backing off, so nothing loops every half second.
      if (openedAt > 0 && Date.now() - openedAt > STABLE_SOCKET_MS) this.retries = 0;
      const delay = Math.min(30_000, 500 * 2 ** this.retries++) * (0.5 + Math.random());
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  /** Starts a session with the pre-chat form's answers. */
  start(profile: WebchatWireProfile): void {
    this.pendingStart = profile;
    if (this.socket?.readyState === WebSocket.OPEN) this.send({ type: 'start', profile });
    else this.connect();
  }

  /** The server's limits (from its config frame, else the defaults it ships with). */
  get limits(): { readonly textMaxLength: number; readonly frameMaxBytes: number } {
    return this.state.config?.limits ?? DEFAULT_LIMITS;
  }

  /**
   * Queues a text message; it is sent now or when the connection is back. A text over the server's limit, or one
   * whose frame would be over the frame limit (the server would close the socket), is never queued: the refusal is
   * returned for the UI to show, and nothing reaches the outbox.
   */
  sendText(text: string, replyTo?: WebchatWireMessage): SendRefusal | null {
    const trimmed = text.trim();
    if (!trimmed) return null;
    if (trimmed.length > this.limits.textMaxLength) return 'too_long';
    const item: OutboxItem = {
      clientId: newId(),
      text: trimmed,
      type: 'text',
      sentAt: Date.now(),
      ...(replyTo ? { replyToId: replyTo.id, quote: quoteOf(replyTo) } : {}),
    };
    if (this.frameBytes(item) > this.limits.frameMaxBytes) return 'too_large';
    // A message ends the typing burst: the next keystroke is news to the manager, not a repeat.
    this.lastTyping = 0;
    this.enqueue(item);
    return null;
  }

  /**
   * Sets the visitor's reaction on a manager message (`null` takes it back). Sent at once when online; a reaction
   * is about now, so one made offline is not kept.
   */
  react(id: string, emoji: string | null): boolean {
    const token = this.token();
    if (!token || !this.ready) return false;
    this.send({ type: 'react', token, eventId: newId(), id, emoji });
    return true;
  }

  /** Corrects the text of the visitor's own last message; false when not connected (nothing was sent). */
  edit(id: string, text: string): boolean {
    const token = this.token();
    const trimmed = text.trim();
    if (!token || !this.ready || !trimmed || trimmed.length > this.limits.textMaxLength) return false;
    this.send({ type: 'edit', token, eventId: newId(), id, text: trimmed });
    return true;
  }

  /** Forgets a failed message (the visitor's "remove"). */
  remove(clientId: string): void {
    this.writeOutbox(this.readOutbox().filter((item) => item.clientId !== clientId));
  }

  /** Uploads a file, then queues the message naming it. Resolves with an error text, or null. */
  async sendFile(file: File, text: string): Promise<'too_large' | 'bad_type' | 'failed' | null> {
    const config = this.state.config;
    const token = this.token();
    if (!config || !token) return 'failed';
    if (file.size > config.uploads.maxBytes) return 'too_large';
    const type = (file.type || 'application/octet-stream').toLowerCase();
    const allowed = config.uploads.mimeTypes.some(
      (t) => t === type || (t.endsWith('/*') && type.startsWith(t.slice(0, -1))),
    );
    if (!allowed) return 'bad_type';
    try {
      const response = await fetch(
        `${this.options.baseUrl}/webchat/${encodeURIComponent(this.options.instance)}/uploads`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': type,
            'x-file-name': encodeURIComponent(file.name),
          },
          body: file,
        },
      );
      if (response.status === 413) return 'too_large';
      if (response.status === 415) return 'bad_type';
      if (!response.ok) return 'failed';
      const upload = (await response.json()) as {
        uploadId: number;
        url: string;
        fileName: string;
        size: number;
        mimeType: string;
      };
      this.enqueue({
        clientId: newId(),
        text: text.trim(),
        uploadId: upload.uploadId,
        type: upload.mimeType.startsWith('image/') ? 'picture' : 'file',
        media: upload.url,
        fileName: upload.fileName,
        fileSize: upload.size,
        sentAt: Date.now(),
      });
      return null;
    } catch {
      return 'failed';
    }
  }

  /** Tells the bridge the visitor is typing (at most every two seconds). */
  typing(): void {
    const token = this.token();
    if (!token || !this.ready || Date.now() - this.lastTyping < 2000) return;
    this.lastTyping = Date.now();
    this.send({ type: 'typing', token });
  }

  /** Loads the page of messages before the oldest one shown. */
  loadEarlier(): void {
    const token = this.token();
    const oldest = this.state.messages[0];
    if (!token || !this.ready || !oldest || this.state.loadingEarlier) return;
    this.send({ type: 'earlier', token, before: oldest.id });
    this.update({ loadingEarlier: true });
  }

  /** Reports manager messages as read (the panel is open and the page visible). */
  markRead(): void {
    const token = this.token();
    const ids = this.state.messages.filter((m) => m.direction === 'out' && !m.read).map((m) => m.id);
    if (!token || !this.ready || ids.length === 0) return;
    this.send({ type: 'read', token, ids });
    this.update({ messages: this.state.messages.map((m) => (ids.includes(m.id) ? { ...m, read: true } : m)) });
  }

  private onFrame(frame: WebchatServerFrame): void {
    switch (frame.type) {
      case 'config':
        // The socket is up: the header says so even while the visitor is still on the pre-chat form.
        this.update({ config: frame.config, connection: 'online' });
        return;
      case 'session':
        localStorage.setItem(this.tokenKey, frame.token);
        this.pendingStart = null;
        this.ready = true;
        this.update({ started: true, connection: 'online', messages: [], error: null });
        this.flush();
        return;
      case 'ready': {
        localStorage.setItem(this.tokenKey, frame.token);
        this.ready = true;
        const known = new Set(frame.messages.map((m) => m.clientId).filter(Boolean));
        this.writeOutbox(this.readOutbox().filter((item) => !known.has(item.clientId)));
        this.update({
          started: true,
          connection: 'online',
          messages: frame.messages,
          hasEarlier: frame.hasMore ?? false,
          loadingEarlier: false,
          error: null,
        });
        this.flush();
        return;
      }
      case 'earlier': {
        const shown = new Set(this.state.messages.map((m) => m.id));
        const earlier = frame.messages.filter((m) => !shown.has(m.id));
        this.update({
          messages: [...earlier, ...this.state.messages],
          hasEarlier: frame.hasMore,
          loadingEarlier: false,
        });
        return;
      }
      case 'ack': {
        const item = this.readOutbox().find((o) => o.clientId === frame.clientId);
        this.writeOutbox(this.readOutbox().filter((o) => o.clientId !== frame.clientId));
        if (item && !this.state.messages.some((m) => m.id === frame.id)) {
          this.addMessage({
            id: frame.id,
            clientId: item.clientId,
            direction: 'in',
            type: item.type,
            text: item.text,
            ...(item.media ? { media: item.media } : {}),
            ...(item.fileName ? { fileName: item.fileName } : {}),
            ...(item.fileSize !== undefined ? { fileSize: item.fileSize } : {}),
            ...(item.quote ? { replyTo: item.quote } : {}),
            sentAt: item.sentAt,
          });
        }
        if (this.inFlight === frame.clientId) this.inFlight = null;
        this.flush();
        return;
      }
      case 'message':
        if (frame.message.clientId) {
          this.writeOutbox(this.readOutbox().filter((o) => o.clientId !== frame.message.clientId));
        }
        this.addMessage(frame.message);
        if (frame.message.direction === 'out') this.update({ managerTypingUntil: 0 });
        return;
      case 'typing':
        this.update({ managerTypingUntil: Date.now() + Math.min(10_000, Math.max(1000, frame.until - Date.now())) });
        setTimeout(() => this.update({}), Math.min(10_000, Math.max(1000, frame.until - Date.now())) + 50);
        return;
      case 'reaction':
        this.update({
          messages: this.state.messages.map((m) => {
            if (m.id !== frame.id) return m;
            if (frame.myReaction === undefined) return { ...m, reactions: frame.reactions };
            const { myReaction: _old, ...rest } = m;
            return {
              ...rest,
              reactions: frame.reactions,
              ...(frame.myReaction ? { myReaction: frame.myReaction } : {}),
            };
          }),
        });
        return;
      case 'read':
        this.update({
          messages: this.state.messages.map((m) => (frame.ids.includes(m.id) ? { ...m, read: true } : m)),
        });
        return;
      case 'edited':
        this.update({ messages: this.state.messages.map((m) => (m.id === frame.id ? { ...m, text: frame.text } : m)) });
        return;
      case 'pong':
        return;
      case 'resync': {
        const token = this.token();
        if (token) this.send({ type: 'hello', token });
        return;
      }
      case 'error':
        this.onError(frame);
        return;
    }
  }

  private onError(frame: Extract<WebchatServerFrame, { type: 'error' }>): void {
    if (frame.code === 'token_invalid' || frame.code === 'token_expired') {
      // The session is gone (expired, or the chat was removed): start over with the form.
      localStorage.removeItem(this.tokenKey);
      this.ready = false;
      this.inFlight = null;
      this.update({ started: false, messages: [] });
      return;
    }
    if (
      frame.clientId &&
      (frame.code === 'invalid_message' || frame.code === 'unknown_upload' || frame.code === 'bad_frame')
    ) {
      // Sending it again would be refused again: it is shown as failed, and the messages after it go on.
      this.markFailed(frame.clientId, frame.message);
    }
    if (frame.clientId && this.inFlight === frame.clientId) {
      this.inFlight = null;
      if (frame.retryAfterMs) {
        setTimeout(() => this.flush(), frame.retryAfterMs);
        return;
      }
      this.flush();
    }
    if (frame.code === 'invalid_profile') this.update({ error: frame.message });
  }

  private enqueue(item: OutboxItem): void {
    this.writeOutbox([...this.readOutbox(), item]);
    this.flush();
  }

  /** Sends the first unconfirmed outbox message; the next goes when its ack arrives, so order is kept. */
  private flush(): void {
    const token = this.token();
    if (!token || !this.ready || this.inFlight) return;
    const next = this.readOutbox().find((item) => !item.failed);
    if (!next) return;
    // An outbox written by an older widget (or another tab) may hold a message too large for one frame: sending it
    // would close the socket, and the reconnect would send it again, forever.
    if (this.frameBytes(next) > this.limits.frameMaxBytes) {
      this.markFailed(next.clientId, 'too_large');
      this.flush();
      return;
    }
    this.inFlight = next.clientId;
    this.send({
      type: 'send',
      token,
      clientId: next.clientId,
      text: next.text,
      ...(next.uploadId !== undefined ? { uploadId: next.uploadId } : {}),
      ...(next.replyToId ? { replyTo: next.replyToId } : {}),
      sentAt: next.sentAt,
    });
  }

  private markFailed(clientId: string, reason: string): void {
    this.writeOutbox(
      this.readOutbox().map((item) => (item.clientId === clientId ? { ...item, failed: reason } : item)),
    );
  }

  /** Bytes of the `send` frame that would carry `item` (the token is counted at its current length). */
  private frameBytes(item: OutboxItem): number {
    const frame = {
      type: 'send',
      token: this.token() ?? '',
      clientId: item.clientId,
      text: item.text,
      uploadId: item.uploadId,
      sentAt: item.sentAt,
    };
    return new TextEncoder().encode(JSON.stringify(frame)).length;
  }

  private addMessage(message: WebchatWireMessage): void {
    if (this.state.messages.some((m) => m.id === message.id)) return;
    this.update({ messages: [...this.state.messages, message] });
  }

  private send(frame: WebchatClientFrame): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Forgets the socket at once (the network is gone; its close may take long) and waits for 'online'. */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.ready = false;
    this.inFlight = null;
    clearTimeout(this.retryTimer);
    this.update({ connection: 'offline' });
    socket?.close();
  }

  private reconnectNow(): void {
    this.retries = 0;
    if (!this.socket) this.connect();
  }

  private token(): string | null {
    return localStorage.getItem(this.tokenKey);
  }

  private readOutbox(): OutboxItem[] {
    try {
      const parsed = JSON.parse(localStorage.getItem(this.outboxKey) ?? '[]') as unknown;
      return Array.isArray(parsed) ? (parsed as OutboxItem[]) : [];
    } catch {
      return [];
    }
  }

  private writeOutbox(items: readonly OutboxItem[]): void {
    if (items.length === 0) localStorage.removeItem(this.outboxKey);
    else localStorage.setItem(this.outboxKey, JSON.stringify(items));
    this.update({ outbox: items });
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
