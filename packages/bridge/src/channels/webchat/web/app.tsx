import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { WebchatWireMessage, WebchatWireQuote } from '../webchat-protocol.js';
import { type ChatClient, type ChatState, type OutboxItem, quoteOf } from './chat-client.js';
import { formatSize, type Texts } from './i18n.js';

/** Props of {@link App}. */
export interface AppProps {
  readonly client: ChatClient;
  readonly t: Texts;
  /** Two-letter language of the visitor (picks the instance's localized title). */
  readonly lang?: string;
}

/**
 * The client's state, re-rendered on each change. The subscription is made in a layout effect (run with the render,
 * not after the next paint) and the state read again once subscribed: the client connects before the first render,
 * and its config frame can come before a plain effect runs (a background tab paints nothing, so Preact waits for a
 * fallback timer, throttled there). That update used to be lost, leaving "Connecting…" under the default title.
 */
function useChatState(client: ChatClient): ChatState {
  const [state, setState] = useState(client.state);
  useLayoutEffect(() => {
    const unsubscribe = client.subscribe(() => setState(client.state));
    setState(client.state);
    return unsubscribe;
  }, [client]);
  return state;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The launcher button and, when open, the chat panel. */
export function App({ client, t, lang = 'en' }: AppProps) {
  const state = useChatState(client);
  const [open, setOpen] = useState(false);
  const launcher = useRef<HTMLButtonElement>(null);
  const unread = state.messages.filter((m) => m.direction === 'out' && !m.read).length;

  useEffect(() => {
    if (!open) return;
    const report = () => {
      if (document.visibilityState === 'visible') client.markRead();
    };
    report();
    document.addEventListener('visibilitychange', report);
    return () => document.removeEventListener('visibilitychange', report);
  }, [open, client, state.messages]);

  const close = () => {
    setOpen(false);
    setTimeout(() => launcher.current?.focus(), 0);
  };
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = root.current;
    if (!open || !element) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      close();
    };
    element.addEventListener('keydown', onKey);
    return () => element.removeEventListener('keydown', onKey);
  }, [open]);
  const config = state.config;
  // The instance's colour: a custom property the stylesheet reads (validated server-side as #rrggbb with AA contrast).
  const brand = config?.brandColor && /^#[0-9a-fA-F]{6}$/.test(config.brandColor) ? config.brandColor : null;
  return (
    <div
      class={`root${open ? ' open' : ''}${config?.position === 'left' ? ' left' : ''}`}
      ref={root}
      style={brand ? `--brand: ${brand}` : undefined}
    >
      {open && <Panel client={client} state={state} t={t} lang={lang} onClose={close} />}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-expanded={open}
        aria-label={unread > 0 && !open ? t.openUnread(unread) : open ? t.close : t.open}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {open ? <CloseIcon /> : <ChatIcon />}
        {unread > 0 && !open && (
          <span class="badge" aria-hidden="true">
            {unread}
          </span>
        )}
      </button>
    </div>
  );
}

function Panel({
  client,
  state,
  t,
  lang,
  onClose,
}: {
  client: ChatClient;
  state: ChatState;
  t: Texts;
  lang: string;
  onClose: () => void;
}) {
  const title = state.config?.titles?.[lang] ?? state.config?.title ?? t.title;
  const status =
    state.connection === 'online' ? t.online : state.connection === 'connecting' ? t.connecting : t.offline;
  const form = state.config?.form;
  const asksAnything = form
    ? form.name.ask || form.phone.ask || form.email.ask || Boolean(state.config?.consent)
    : true;
  const [replyTo, setReplyTo] = useState<WebchatWireMessage | null>(null);
  const [editing, setEditing] = useState<WebchatWireMessage | null>(null);
  return (
    <section class="panel" role="dialog" aria-modal="false" aria-label={title}>
      <header class="head">
        <div class="titles">
          <h2>{title}</h2>
          <div class="sub" role="status">
            <span class={`dot ${state.connection}`} aria-hidden="true" />
            {status}
          </div>
        </div>
        <button type="button" class="icon-button" aria-label={t.close} onClick={onClose}>
          <CloseIcon />
        </button>
      </header>
      {!state.started && asksAnything ? (
        <div class="body">
          <PrechatForm client={client} state={state} t={t} />
        </div>
      ) : (
        <>
          <Messages
            client={client}
            state={state}
            t={t}
            onReply={(m) => {
              setEditing(null);
              setReplyTo(m);
            }}
            onEdit={(m) => {
              setReplyTo(null);
              setEditing(m);
            }}
          />
          <Composer
            client={client}
            state={state}
            t={t}
            replyTo={replyTo}
            onCancelReply={() => setReplyTo(null)}
            editing={editing}
            onCancelEdit={() => setEditing(null)}
          />
        </>
      )}
    </section>
  );
}

function PrechatForm({ client, state, t }: { client: ChatClient; state: ChatState; t: Texts }) {
  const form = state.config?.form ?? {
    name: { ask: true, required: true },
    phone: { ask: true, required: false },
    email: { ask: false, required: false },
  };
  const [values, setValues] = useState({ name: '', phone: '', email: '' });
  const consent = state.config?.consent ?? null;
  const [agreed, setAgreed] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const fields = (['name', 'phone', 'email'] as const).filter((key) => form[key].ask);
  const submit = (event: Event) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    for (const key of fields) {
      const value = values[key].trim();
      if (!value && form[key].required) found[key] = t.required;
      else if (value && key === 'phone' && !/^\+?[0-9][0-9 ()-]{4,30}$/.test(value)) found[key] = t.invalidPhone;
      else if (value && key === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) found[key] = t.invalidEmail;
    }
    if (consent && !agreed) found.consent = t.consentRequired;
    setErrors(found);
    const firstInvalid = [...fields, 'consent' as const].find((key) => found[key]);
    if (firstInvalid) {
      // Focus goes to the first field to fix, so a keyboard user types straight into it.
      (event.currentTarget as HTMLFormElement).querySelector<HTMLInputElement>(`#webchat-${firstInvalid}`)?.focus();
      return;
    }
    client.start(Object.fromEntries(fields.filter((k) => values[k].trim()).map((k) => [k, values[k].trim()])));
  };
  const labels = { name: t.name, phone: t.phone, email: t.email };
  const types = { name: 'text', phone: 'tel', email: 'email' };
  const autocomplete = { name: 'name', phone: 'tel', email: 'email' };
  return (
    <form class="form" onSubmit={submit} noValidate>
      <p>{t.intro}</p>
      {fields.map((key, index) => (
        <div class="field" key={key}>
          <label for={`webchat-${key}`}>
            {labels[key]} {!form[key].required && <span class="opt">({t.optional})</span>}
          </label>
          <input
            id={`webchat-${key}`}
            ref={index === 0 ? first : null}
            type={types[key]}
            autocomplete={autocomplete[key]}
            required={form[key].required}
            aria-invalid={errors[key] ? true : undefined}
            aria-describedby={errors[key] ? `webchat-${key}-error` : undefined}
            value={values[key]}
            onInput={(event) => setValues({ ...values, [key]: (event.target as HTMLInputElement).value })}
          />
          {errors[key] && (
            <span class="err" id={`webchat-${key}-error`}>
              {errors[key]}
            </span>
          )}
        </div>
      ))}
      {consent && (
        <div class="field consent">
          <label>
            <input
              id="webchat-consent"
              type="checkbox"
              checked={agreed}
              aria-invalid={errors.consent ? true : undefined}
              aria-describedby={errors.consent ? 'webchat-consent-error' : undefined}
              onChange={(event) => setAgreed((event.target as HTMLInputElement).checked)}
            />{' '}
            {consent.text}
          </label>
          {consent.url && (
            <a href={consent.url} target="_blank" rel="noopener noreferrer">
              {t.consentLink}
            </a>
          )}
          {errors.consent && (
            <span class="err" id="webchat-consent-error">
              {errors.consent}
            </span>
          )}
        </div>
      )}
      {state.error && <div class="err">{state.error}</div>}
      <button type="submit" class="primary">
        {t.start}
      </button>
    </form>
  );
}

function Messages({
  client,
  state,
  t,
  onReply,
  onEdit,
}: {
  client: ChatClient;
  state: ChatState;
  t: Texts;
  onReply: (message: WebchatWireMessage) => void;
  onEdit: (message: WebchatWireMessage) => void;
}) {
  // The visitor may correct their own last message, when it is a text.
  const lastMine = [...state.messages].reverse().find((m) => m.direction === 'in');
  const editable = lastMine?.type === 'text' ? lastMine.id : undefined;
  const list = useRef<HTMLDivElement>(null);
  const acked = new Set(state.messages.map((m) => m.clientId).filter(Boolean));
  const pending = state.outbox.filter((o) => !acked.has(o.clientId));
  const typing = state.managerTypingUntil > Date.now();
  // Follows the newest message; earlier messages put above ("show earlier") keep the view where it is.
  const newest = state.messages[state.messages.length - 1]?.id;
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [newest, pending.length, typing]);
  return (
    <div class="body" ref={list}>
      {state.messages.length === 0 && pending.length === 0 && (
        <div class="empty">{state.config?.greeting ?? t.empty}</div>
      )}
      {state.hasEarlier && (
        <button type="button" class="earlier" disabled={state.loadingEarlier} onClick={() => client.loadEarlier()}>
          {t.earlier}
        </button>
      )}
      <div role="log" aria-live="polite" aria-label={t.messages} style="display:flex;flex-direction:column;gap:8px">
        {state.messages.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            t={t}
            emoji={state.config?.reactions ?? []}
            online={state.connection === 'online'}
            onReply={() => onReply(m)}
            {...(m.id === editable ? { onEdit: () => onEdit(m) } : {})}
            onReact={(emoji) => client.react(m.id, emoji === m.myReaction ? null : emoji)}
          />
        ))}
        {pending.map((o) => (
          <PendingItem
            key={o.clientId}
            item={o}
            t={t}
            online={state.connection === 'online'}
            onRemove={() => client.remove(o.clientId)}
          />
        ))}
      </div>
      {typing && <div class="typing">{t.typing}</div>}
    </div>
  );
}

function Quote({ quote, t }: { quote: WebchatWireQuote; t: Texts }) {
  return (
    <div class="quote" data-quote-id={quote.id}>
      <span class="quote-author">{quote.mine ? t.you : (quote.author ?? t.manager)}</span>
      <span class="quote-text">{quote.text}</span>
    </div>
  );
}

function Content({
  message,
  t,
}: {
  message: Pick<WebchatWireMessage, 'type' | 'text' | 'media' | 'fileName' | 'fileSize' | 'replyTo' | 'forwarded'>;
  t: Texts;
}) {
  const { type, media, text } = message;
  const name = message.fileName ?? 'file';
  let attachment = null;
  if (media && (type === 'picture' || type === 'sticker')) {
    attachment = (
      <a href={media} target="_blank" rel="noopener noreferrer">
        <img src={media} alt={name} loading="lazy" />
      </a>
    );
  } else if (media && type === 'video') {
    // biome-ignore lint/a11y/useMediaCaption: amoCRM sends media without captions; there is no track to offer.
    attachment = <video src={media} controls preload="metadata" />;
  } else if (media && (type === 'voice' || type === 'audio')) {
    // biome-ignore lint/a11y/useMediaCaption: amoCRM sends media without captions; there is no track to offer.
    attachment = <audio src={media} controls preload="metadata" />;
  } else if (media) {
    attachment = (
      <a class="file" href={media} target="_blank" rel="noopener noreferrer" download={name}>
        <FileIcon />
        <span>
          {type === 'location' ? text || 'Map' : name}
          {message.fileSize !== undefined && <span class="size"> · {formatSize(message.fileSize)}</span>}
        </span>
      </a>
    );
  }
  const mediaOnly = !text && (type === 'picture' || type === 'sticker' || type === 'video');
  return (
    <div class={mediaOnly && !message.replyTo && !message.forwarded ? 'bubble media-only' : 'bubble'}>
      {message.replyTo && <Quote quote={message.replyTo} t={t} />}
      {message.forwarded && (
        <div class="quote forwarded">
          <span class="quote-author">
            {message.forwarded.author ? t.forwardedFrom(message.forwarded.author) : t.forwarded}
          </span>
          <span class="quote-text">{message.forwarded.text}</span>
        </div>
      )}
      {attachment}
      {text && type !== 'location' && <div>{text}</div>}
    </div>
  );
}

function MessageItem({
  message,
  t,
  emoji,
  online,
  onReply,
  onEdit,
  onReact,
}: {
  message: WebchatWireMessage;
  t: Texts;
  emoji: readonly string[];
  online: boolean;
  onReply: () => void;
  onEdit?: () => void;
  onReact: (emoji: string) => void;
}) {
  const mine = message.direction === 'in';
  const [picking, setPicking] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const picker = useRef<HTMLDivElement>(null);
  const short = message.text.length > 40 ? `${message.text.slice(0, 40)}…` : message.text || message.fileName || '';
  // A layout effect, so focus is in the picker before it is painted: a key pressed the moment it shows (Escape)
  // reaches the picker, not the chat around it.
  useLayoutEffect(() => {
    // The visitor's current reaction has focus (Enter takes it back), else the first emoji.
    const current = picker.current?.querySelector<HTMLButtonElement>('button[aria-pressed="true"]');
    if (picking) (current ?? picker.current?.querySelector<HTMLButtonElement>('button'))?.focus();
  }, [picking]);
  const closePicker = () => {
    setPicking(false);
    toggle.current?.focus();
  };
  const onPickerKey = (event: KeyboardEvent) => {
    const buttons = [...(picker.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (event.key === 'Escape') {
      // Closes the picker only, not the whole chat.
      event.stopPropagation();
      closePicker();
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      const step = event.key === 'ArrowRight' ? 1 : -1;
      buttons[(at + step + buttons.length) % buttons.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      buttons[event.key === 'Home' ? 0 : buttons.length - 1]?.focus();
    }
  };
  const canReact = !mine && emoji.length > 0;
  return (
    <div class={`msg ${mine ? 'in' : 'out'}`} data-message-id={message.id}>
      {!mine && <span class="author">{message.author ?? t.manager}</span>}
      <Content message={message} t={t} />
      {message.reactions && message.reactions.length > 0 && (
        <ul class="reactions" aria-label={t.reactions}>
          {message.reactions.map((e, i) => (
            <li key={`${e}-${i}`} class={e === message.myReaction ? 'mine' : undefined}>
              {e}
            </li>
          ))}
        </ul>
      )}
      <span class="meta">
        {time(message.sentAt)}
        {mine && ` · ${t.sent}`}
        <button type="button" class="link-button" aria-label={t.replyTo(short)} onClick={onReply}>
          {t.reply}
        </button>
        {onEdit && (
          <button type="button" class="link-button" aria-label={t.editMessage} disabled={!online} onClick={onEdit}>
            {t.edit}
          </button>
        )}
        {canReact && (
          <button
            ref={toggle}
            type="button"
            class="link-button"
            aria-label={t.reactTo(short)}
            aria-haspopup="true"
            aria-expanded={picking}
            disabled={!online}
            onClick={() => (picking ? closePicker() : setPicking(true))}
          >
            {message.myReaction ?? t.react}
          </button>
        )}
      </span>
      {picking && (
        // A toolbar (WAI-ARIA): Tab reaches it, the arrow keys, Home and End move between the emoji, Escape closes.
        <div class="picker" role="toolbar" aria-label={t.reactions} ref={picker} onKeyDown={onPickerKey}>
          {emoji.map((e) => (
            <button
              key={e}
              type="button"
              aria-pressed={e === message.myReaction}
              aria-label={e === message.myReaction ? t.yourReaction(e) : t.reactWith(e)}
              onClick={() => {
                onReact(e);
                closePicker();
              }}
            >
              {e}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** An outbox item in the shape {@link Content} shows, its quote included. */
const withQuote = (item: OutboxItem): Parameters<typeof Content>[0]['message'] => {
  const { quote, ...rest } = item;
  return quote ? { ...rest, replyTo: quote } : rest;
};

function PendingItem({
  item,
  t,
  online,
  onRemove,
}: {
  item: OutboxItem;
  t: Texts;
  online: boolean;
  onRemove: () => void;
}) {
  if (item.failed) {
    const reason = item.failed === 'too_large' ? t.tooLargeMessage : item.failed;
    // A long text is shown cut: the point is which message failed and why, not all 10,000 characters again.
    const shown = item.text.length > 300 ? { ...item, text: `${item.text.slice(0, 300)}…` } : item;
    return (
      <div class="msg in failed" data-client-id={item.clientId} data-failed="true">
        <Content message={withQuote(shown)} t={t} />
        <span class="meta failed-note" role="alert">
          {t.notSent}: {reason}
        </span>
        <button type="button" class="link-button" aria-label={t.removeMessage} onClick={onRemove}>
          {t.remove}
        </button>
      </div>
    );
  }
  return (
    <div class="msg in" data-client-id={item.clientId} data-pending="true">
      <Content message={withQuote(item)} t={t} />
      <span class="meta pending">{online ? t.sending : t.waiting}</span>
    </div>
  );
}

function Composer({
  client,
  state,
  t,
  replyTo,
  onCancelReply,
  editing,
  onCancelEdit,
}: {
  client: ChatClient;
  state: ChatState;
  t: Texts;
  replyTo: WebchatWireMessage | null;
  onCancelReply: () => void;
  editing: WebchatWireMessage | null;
  onCancelEdit: () => void;
}) {
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => box.current?.focus(), [replyTo]);
  useEffect(() => {
    if (!editing) return;
    setText(editing.text);
    box.current?.focus();
  }, [editing]);
  const form = state.config?.form;
  const max = client.limits.textMaxLength;
  const length = text.trim().length;
  const over = length - max;
  const [refusal, setRefusal] = useState<string | null>(null);
  const send = () => {
    if (!text.trim() || over > 0) return;
    if (editing) {
      if (text.trim() !== editing.text && !client.edit(editing.id, text)) return;
      setText('');
      onCancelEdit();
      return;
    }
    // An instance that asks nothing starts the session with the first message.
    if (!state.started && form && !form.name.ask && !form.phone.ask && !form.email.ask) client.start({});
    const refused = client.sendText(text, replyTo ?? undefined);
    if (refused) {
      // Nothing was queued: the text stays in the box for the visitor to shorten or split.
      setRefusal(refused === 'too_long' ? t.tooLong(over) : t.tooLargeMessage);
      return;
    }
    setRefusal(null);
    setText('');
    onCancelReply();
    box.current?.focus();
  };
  const pick = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const error = await client.sendFile(file, '');
    const max = formatSize(state.config?.uploads.maxBytes ?? 0);
    setNotice(
      error === 'too_large' ? t.tooLarge(max) : error === 'bad_type' ? t.badType : error ? t.uploadFailed : null,
    );
  };
  return (
    <>
      {notice && (
        <div class="alert" role="alert">
          {notice}
        </div>
      )}
      {over > 0 ? (
        <div class="alert" role="alert" id="webchat-limit">
          {t.tooLong(over)}
        </div>
      ) : (
        refusal && (
          <div class="alert" role="alert" id="webchat-limit">
            {refusal}
          </div>
        )
      )}
      {editing && (
        <div class="replying" id="webchat-editing">
          <div class="quote">
            <span class="quote-author">{t.editing}</span>
            <span class="quote-text">{editing.text}</span>
          </div>
          <button
            type="button"
            class="icon-button"
            aria-label={t.cancelEdit}
            onClick={() => {
              setText('');
              onCancelEdit();
            }}
          >
            <CloseIcon />
          </button>
        </div>
      )}
      {replyTo && (
        <div class="replying" id="webchat-replying">
          <Quote quote={quoteOf(replyTo)} t={t} />
          <button type="button" class="icon-button" aria-label={t.cancelReply} onClick={onCancelReply}>
            <CloseIcon />
          </button>
        </div>
      )}
      <div class="composer">
        <input
          ref={fileInput}
          type="file"
          class="sr"
          tabIndex={-1}
          aria-hidden="true"
          accept={state.config?.uploads.mimeTypes.join(',')}
          onChange={pick}
        />
        <button
          type="button"
          class="icon-button"
          aria-label={t.attach}
          disabled={!state.started || state.connection !== 'online'}
          onClick={() => fileInput.current?.click()}
        >
          <ClipIcon />
        </button>
        <label class="sr" for="webchat-message">
          {t.message}
        </label>
        <textarea
          id="webchat-message"
          ref={box}
          rows={1}
          placeholder={t.placeholder}
          value={text}
          aria-invalid={over > 0 ? true : undefined}
          aria-describedby={
            [length > max * 0.8 ? 'webchat-counter' : '', replyTo ? 'webchat-replying' : '']
              .filter(Boolean)
              .join(' ') || undefined
          }
          onInput={(event) => {
            setText((event.target as HTMLTextAreaElement).value);
            setRefusal(null);
            client.typing();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && (replyTo || editing)) {
              // Escape first drops the quote (or the edit); a second one closes the chat.
              event.stopPropagation();
              if (editing) setText('');
              onCancelReply();
              onCancelEdit();
              return;
            }
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="button" class="send" aria-label={t.send} disabled={!text.trim() || over > 0} onClick={send}>
          <SendIcon />
        </button>
      </div>
      {length > max * 0.8 && (
        <div class={`counter${over > 0 ? ' over' : ''}`} id="webchat-counter">
          {t.characters(length, max)}
        </div>
      )}
    </>
  );
}

const ChatIcon = () => (
  <svg width="28" height="28" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
    <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z" />
  </svg>
);
const CloseIcon = () => (
  <svg
    width="22"
    height="22"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2.2"
    aria-hidden="true"
  >
    <path d="M6 6l12 12M18 6L6 18" />
  </svg>
);
const SendIcon = () => (
  <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
    <path d="M3 20.5l18-8.5L3 3.5 3 10l12 2-12 2z" />
  </svg>
);
const ClipIcon = () => (
  <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
    <path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.9-2.9L15 7.6" />
  </svg>
);
const FileIcon = () => (
  <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
    <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
    <path d="M14 3v6h6" />
  </svg>
);
