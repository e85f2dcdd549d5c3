import { useEffect, useRef, useState } from 'preact/hooks';
import type { WebchatWireMessage } from '../webchat-protocol.js';
import type { ChatClient, ChatState, OutboxItem } from './chat-client.js';
import { formatSize, type Texts } from './i18n.js';

/** Props of {@link App}. */
export interface AppProps {
  readonly client: ChatClient;
  readonly t: Texts;
}

function useChatState(client: ChatClient): ChatState {
  const [state, setState] = useState(client.state);
  useEffect(() => client.subscribe(() => setState(client.state)), [client]);
  return state;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The launcher button and, when open, the chat panel. */
export function App({ client, t }: AppProps) {
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
  return (
    <div class={`root${open ? ' open' : ''}`} ref={root}>
      {open && <Panel client={client} state={state} t={t} onClose={close} />}
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

function Panel({ client, state, t, onClose }: { client: ChatClient; state: ChatState; t: Texts; onClose: () => void }) {
  const title = state.config?.title ?? t.title;
  const status =
    state.connection === 'online' ? t.online : state.connection === 'connecting' ? t.connecting : t.offline;
  const form = state.config?.form;
  const asksAnything = form ? form.name.ask || form.phone.ask || form.email.ask : true;
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
          <Messages state={state} t={t} client={client} />
          <Composer client={client} state={state} t={t} />
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
    setErrors(found);
    const firstInvalid = fields.find((key) => found[key]);
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
      {state.error && <div class="err">{state.error}</div>}
      <button type="submit" class="primary">
        {t.start}
      </button>
    </form>
  );
}

function Messages({ state, t, client }: { state: ChatState; t: Texts; client: ChatClient }) {
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
      {state.messages.length === 0 && pending.length === 0 && <div class="empty">{t.empty}</div>}
      {state.hasEarlier && (
        <button type="button" class="earlier" disabled={state.loadingEarlier} onClick={() => client.loadEarlier()}>
          {t.earlier}
        </button>
      )}
      <div role="log" aria-live="polite" aria-label={t.messages} style="display:flex;flex-direction:column;gap:8px">
        {state.messages.map((m) => (
          <MessageItem key={m.id} message={m} t={t} />
        ))}
        {pending.map((o) => (
          <PendingItem key={o.clientId} item={o} t={t} online={state.connection === 'online'} />
        ))}
      </div>
      {typing && <div class="typing">{t.typing}</div>}
    </div>
  );
}

function Content({
  message,
}: {
  message: Pick<WebchatWireMessage, 'type' | 'text' | 'media' | 'fileName' | 'fileSize'>;
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
    <div class={mediaOnly ? 'bubble media-only' : 'bubble'}>
      {attachment}
      {text && type !== 'location' && <div>{text}</div>}
    </div>
  );
}

function MessageItem({ message, t }: { message: WebchatWireMessage; t: Texts }) {
  const mine = message.direction === 'in';
  return (
    <div class={`msg ${mine ? 'in' : 'out'}`} data-message-id={message.id}>
      {!mine && <span class="author">{message.author ?? t.manager}</span>}
      <Content message={message} />
      {message.reactions && message.reactions.length > 0 && (
        <ul class="reactions" aria-label={t.reactions}>
          {message.reactions.map((emoji) => (
            <li key={emoji}>{emoji}</li>
          ))}
        </ul>
      )}
      <span class="meta">
        {time(message.sentAt)}
        {mine && ` · ${t.sent}`}
      </span>
    </div>
  );
}

function PendingItem({ item, t, online }: { item: OutboxItem; t: Texts; online: boolean }) {
  return (
    <div class="msg in" data-client-id={item.clientId} data-pending="true">
      <Content message={item} />
      <span class="meta pending">{online ? t.sending : t.waiting}</span>
    </div>
  );
}

function Composer({ client, state, t }: { client: ChatClient; state: ChatState; t: Texts }) {
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => box.current?.focus(), []);
  const form = state.config?.form;
  const send = () => {
    if (!text.trim()) return;
    // An instance that asks nothing starts the session with the first message.
    if (!state.started && form && !form.name.ask && !form.phone.ask && !form.email.ask) client.start({});
    client.sendText(text);
    setText('');
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
          onInput={(event) => {
            setText((event.target as HTMLTextAreaElement).value);
            client.typing();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              send();
            }
          }}
        />
        <button type="button" class="send" aria-label={t.send} disabled={!text.trim()} onClick={send}>
          <SendIcon />
        </button>
      </div>
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
