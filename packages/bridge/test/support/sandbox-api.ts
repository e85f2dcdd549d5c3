import type { SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';
import { CHANNEL_MESSAGE_TYPES } from '../../src/channels/channel-adapter.js';
import { waitFor } from './wait-for.js';

/** The sandbox control API (`/_sandbox/api`) as the messenger harnesses call it; every call throws unless 2xx. */
export interface SandboxApi {
  chats(): Promise<SandboxChatView[]>;
  /** The sandbox chat of a bridge conversation (by `conversation_id`), once amojo has it. */
  chatOfConversation(conversationId: string): Promise<SandboxChatView | undefined>;
  messages(chatId: string): Promise<SandboxMessageView[]>;
  /** The manager sends a message; resolves with the sandbox messages it made. */
  sendManagerMessage(chatId: string, input: Record<string, unknown>): Promise<SandboxMessageView[]>;
  /** Uploads a file (as a manager attaching it) and returns its URL. */
  upload(fileName: string, mimeType: string, data: Buffer): Promise<{ url: string; fileSize: number }>;
  /** Waits until the chat has at least `count` customer (inbound) messages; resolves with them. */
  inbound(chatId: string, count: number): Promise<SandboxMessageView[]>;
  /** Waits until a message of the chat has `status` (`delivered`, `read`, `error`); resolves with it. */
  statusOf(chatId: string, messageId: string, status: string): Promise<SandboxMessageView>;
  /** Waits until the sandbox has a chat whose client is named `clientName`; resolves with it. */
  chatOfClient(clientName: string): Promise<SandboxChatView>;
  /** The manager answers `text` in a chat; resolves with the control API's HTTP status (the test checks it). */
  sendManagerText(chatId: string, text: string): Promise<number>;
  /** The manager reacts to a message with `emoji`; resolves with the control API's HTTP status. */
  managerReact(messageId: string, emoji: string): Promise<number>;
}

/**
 * The amojo message types of the customer messages the messenger e2e tests send, in their order: a text, then one
 * of each media and content kind.
 */
export const CUSTOMER_MESSAGE_TYPES = CHANNEL_MESSAGE_TYPES;

/** The sandbox calls a messenger harness (Telegram, WhatsApp) offers its tests. */
export interface MessengerSandboxCalls {
  sandboxMessages: SandboxApi['messages'];
  sendManagerMessage: SandboxApi['sendManagerMessage'];
  upload: SandboxApi['upload'];
  inbound: SandboxApi['inbound'];
  statusOf: SandboxApi['statusOf'];
  managerReact: SandboxApi['managerReact'];
}

/** The {@link MessengerSandboxCalls} of a sandbox API. */
export function messengerSandboxCalls(api: SandboxApi): MessengerSandboxCalls {
  return {
    sandboxMessages: api.messages,
    sendManagerMessage: api.sendManagerMessage,
    upload: api.upload,
    inbound: api.inbound,
    statusOf: api.statusOf,
    managerReact: api.managerReact,
  };
}

/** An uploaded file (see {@link SandboxApi.upload}) the manager sends as one message of a type. */
export interface ManagerFile {
  readonly type: string;
  readonly file: { readonly url: string; readonly fileSize: number };
  readonly fileName: string;
  /** The caption. */
  readonly text?: string;
}

/** The manager sends each file as its own message, one after another; resolves with the sandbox messages, in order. */
export async function sendManagerFiles(
  api: Pick<SandboxApi, 'sendManagerMessage'>,
  chatId: string,
  files: readonly ManagerFile[],
): Promise<SandboxMessageView[]> {
  const sent: SandboxMessageView[] = [];
  for (const { type, file, fileName, text } of files) {
    sent.push(
      ...(await api.sendManagerMessage(chatId, {
        type,
        media: file.url,
        fileName,
        fileSize: file.fileSize,
        ...(text === undefined ? {} : { text }),
      })),
    );
  }
  return sent;
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The control API of the sandbox at `sandboxUrl`. */
export function sandboxApi(sandboxUrl: string): SandboxApi {
  const api = `${sandboxUrl}/_sandbox/api`;
  const chats = async () => (await json(await fetch(`${api}/chats`))) as SandboxChatView[];
  const messages = async (chatId: string) =>
    (await json(await fetch(`${api}/chats/${chatId}/messages`))) as SandboxMessageView[];
  return {
    chats,
    chatOfConversation: async (conversationId) =>
      (await chats()).find((chat) => chat.conversationId === conversationId),
    messages,
    sendManagerMessage: async (chatId, input) =>
      ((await json(await post(`${api}/chats/${chatId}/messages`, input))) as { messages: SandboxMessageView[] })
        .messages,
    upload: async (fileName, mimeType, data) =>
      (await json(await post(`${api}/uploads`, { fileName, mimeType, dataBase64: data.toString('base64') }))) as {
        url: string;
        fileSize: number;
      },
    inbound: (chatId, count) =>
      waitFor(`${count} customer messages in the sandbox`, async () => {
        const inbound = (await messages(chatId)).filter((m) => m.direction === 'in');
        return inbound.length >= count ? inbound : undefined;
      }),
    statusOf: (chatId, messageId, status) =>
      waitFor(`status ${status} of ${messageId}`, async () =>
        (await messages(chatId)).find((m) => m.id === messageId && m.status === status),
      ),
    chatOfClient: (clientName) =>
      waitFor('the chat in the sandbox', async () => (await chats()).find((c) => c.client.name === clientName)),
    sendManagerText: async (chatId, text) => {
      const response = await post(`${api}/chats/${chatId}/messages`, { text });
      await response.arrayBuffer();
      return response.status;
    },
    managerReact: async (messageId, emoji) => {
      const response = await post(`${api}/messages/${messageId}/reactions`, { type: 'react', emoji });
      await response.arrayBuffer();
      return response.status;
    },
  };
}
