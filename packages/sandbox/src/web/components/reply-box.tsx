import { useEffect, useRef, useState } from 'preact/hooks';
import { formatSize } from '../format.js';
import type { SandboxMessageView } from '../types.js';
import { AttachIcon, CloseIcon } from './icons.js';

/** Props of {@link ReplyBox}. */
export interface ReplyBoxProps {
  /** Resets the draft when the chat changes. */
  readonly chatId: string;
  readonly replyTo: SandboxMessageView | null;
  readonly onCancelReply: () => void;
  /** Sends the text and files; rejects with a message to show when the sandbox refused. */
  readonly onSend: (text: string, files: readonly File[]) => Promise<void>;
  /** Called on keystrokes, at most once per {@link TYPING_THROTTLE_MS}. */
  readonly onTyping: () => void;
  readonly disabled?: boolean;
}

// amoCRM sends a typing hook at most every 5 s (spec 4.4); the server enforces it too, this only saves requests.
const TYPING_THROTTLE_MS = 3000;

/** The manager's reply box: Enter sends, Shift+Enter breaks the line, files are staged and sent together. */
export function ReplyBox({ chatId, replyTo, onCancelReply, onSend, onTyping, disabled = false }: ReplyBoxProps) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<readonly File[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const lastTyping = useRef(0);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setText('');
    setFiles([]);
    setError(null);
  }, [chatId]);
  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo]);

  const submit = async () => {
    if (sending || disabled || (!text.trim() && files.length === 0)) return;
    setSending(true);
    setError(null);
    try {
      await onSend(text.trim(), files);
      setText('');
      setFiles([]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
      textarea.current?.focus();
    }
  };

  const onInput = (value: string) => {
    setText(value);
    const now = Date.now();
    if (value && now - lastTyping.current > TYPING_THROTTLE_MS) {
      lastTyping.current = now;
      onTyping();
    }
  };

  return (
    <form
      class="reply-box"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {replyTo ? (
        <div class="replying">
          <span class="replying-label">Replying to {replyTo.author.name}:</span>
          <span class="replying-text">{replyTo.text || replyTo.fileName || replyTo.type}</span>
          <button type="button" class="icon-button" aria-label="Cancel reply" onClick={onCancelReply}>
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {files.length > 0 ? (
        <ul class="staged-files" aria-label="Files to send">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              <span>
                {file.name} <small>{formatSize(file.size)}</small>
              </span>
              <button
                type="button"
                class="icon-button"
                aria-label={`Remove ${file.name}`}
                onClick={() => setFiles(files.filter((_, i) => i !== index))}
              >
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <div class="form-error" role="alert">
          {error}
        </div>
      ) : null}
      <div class="reply-row">
        <button
          type="button"
          class="icon-button attach"
          aria-label="Attach file"
          title="Attach file"
          disabled={disabled}
          onClick={() => fileInput.current?.click()}
        >
          <AttachIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Choose files"
          onChange={(e) => {
            const chosen = Array.from((e.currentTarget as HTMLInputElement).files ?? []);
            setFiles([...files, ...chosen]);
            (e.currentTarget as HTMLInputElement).value = '';
          }}
        />
        <textarea
          ref={textarea}
          aria-label="Message text"
          placeholder={disabled ? 'No manager to answer as' : 'Write a message…'}
          title="Enter sends, Shift+Enter starts a new line"
          rows={Math.min(6, Math.max(1, text.split('\n').length))}
          value={text}
          disabled={disabled}
          onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button
          type="submit"
          class="primary send"
          aria-label="Send"
          disabled={disabled || sending || (!text.trim() && files.length === 0)}
        >
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
