import type { SandboxChatView, SandboxMessageView } from '@amojo-bridge/sandbox';

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
  return {
    chats,
    chatOfConversation: async (conversationId) =>
      (await chats()).find((chat) => chat.conversationId === conversationId),
    messages: async (chatId) => (await json(await fetch(`${api}/chats/${chatId}/messages`))) as SandboxMessageView[],
    sendManagerMessage: async (chatId, input) =>
      ((await json(await post(`${api}/chats/${chatId}/messages`, input))) as { messages: SandboxMessageView[] })
        .messages,
    upload: async (fileName, mimeType, data) =>
      (await json(await post(`${api}/uploads`, { fileName, mimeType, dataBase64: data.toString('base64') }))) as {
        url: string;
        fileSize: number;
      },
  };
}
