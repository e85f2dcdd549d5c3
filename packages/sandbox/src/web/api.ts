import type {
  CrmSnapshot,
  HookLogEntry,
  SandboxChatView,
  SandboxConfig,
  SandboxMessageView,
  UploadedFile,
} from './types.js';

const BASE = '/_sandbox/api';

/** A control API call that did not answer 2xx; the message carries the server's explanation. */
export class ControlApiError extends Error {
  override readonly name = 'ControlApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  }
  const response = await fetch(BASE + path, init);
  const text = await response.text();
  if (!response.ok) {
    let message = text || response.statusText;
    try {
      const parsed = JSON.parse(text) as { message?: string; error?: string; error_description?: string };
      message = parsed.message ?? parsed.error_description ?? parsed.error ?? message;
    } catch {
      // Not JSON: the raw text is the best explanation there is.
    }
    throw new ControlApiError(`${method} ${path}: ${response.status} ${message}`, response.status);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** One integration as the marketplace dialog lists it. */
export interface IntegrationView {
  readonly accountAmojoId: string;
  readonly clientId: string;
  readonly installed: boolean;
  readonly calls: readonly { readonly kind: string; readonly status?: number; readonly error?: string }[];
}

/** What the manager can put into one send. */
export interface SendInput {
  readonly text?: string;
  readonly type?: string;
  readonly media?: string;
  readonly fileName?: string;
  readonly fileSize?: number;
  readonly replyToId?: string;
  readonly userId?: string;
  readonly attachments?: readonly { media: string; fileName: string; fileSize: number; type: string }[];
}

/** Input of the "write first" form. */
export interface WriteFirstInput {
  readonly scopeId: string;
  readonly phone: string;
  readonly text: string;
  readonly sourceExternalId?: string;
  readonly userId?: string;
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`Cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

/** Typed calls of the sandbox control API used by the inbox. */
export const api = {
  config: () => call<SandboxConfig>('GET', '/config'),
  chats: () => call<SandboxChatView[]>('GET', '/chats'),
  messages: (chatId: string) => call<SandboxMessageView[]>('GET', `/chats/${encodeURIComponent(chatId)}/messages`),
  send: (chatId: string, input: SendInput) =>
    call<{ messages: SandboxMessageView[] }>('POST', `/chats/${encodeURIComponent(chatId)}/messages`, input),
  typing: (chatId: string, userId?: string) =>
    call<{ sent: boolean }>('POST', `/chats/${encodeURIComponent(chatId)}/typing`, userId ? { userId } : {}),
  react: (messageId: string, emoji: string, type: 'react' | 'unreact', userId?: string) =>
    call<unknown>('POST', `/messages/${encodeURIComponent(messageId)}/reactions`, {
      emoji,
      type,
      ...(userId ? { userId } : {}),
    }),
  read: (chatId: string) => call<unknown>('POST', `/chats/${encodeURIComponent(chatId)}/read`, {}),
  writeFirst: (input: WriteFirstInput) =>
    call<{ chat: SandboxChatView; message: SandboxMessageView }>('POST', '/write-first', input),
  hooks: () => call<HookLogEntry[]>('GET', '/hooks'),
  integrations: (accountAmojoId: string) =>
    call<IntegrationView[]>('GET', `/crm/integrations?account=${encodeURIComponent(accountAmojoId)}`),
  authorize: (accountAmojoId: string, clientId: string) =>
    call<{ redirectUrl: string }>('POST', '/crm/authorize', { account: accountAmojoId, clientId }),
  disable: (accountAmojoId: string, clientId: string) =>
    call<{ hookStatus: number | null; hookError?: string }>('POST', '/crm/disable', {
      account: accountAmojoId,
      clientId,
    }),
  crm: (accountAmojoId: string) => call<CrmSnapshot>('GET', `/crm?account=${encodeURIComponent(accountAmojoId)}`),
  async upload(file: File): Promise<UploadedFile> {
    const dataBase64 = await readAsBase64(file);
    return call<UploadedFile>('POST', '/uploads', {
      fileName: file.name,
      mimeType: file.type || 'application/octet-stream',
      dataBase64,
    });
  },
};
