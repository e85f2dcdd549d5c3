import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookHeaders } from '../../src/channels/index.js';

/** A customer system behind one http instance: records every manager event the bridge POSTs to it. */
export interface EventReceiver {
  readonly url: string;
  readonly events: Record<string, unknown>[];
  /** Whether some received event's JSON contains `text`. */
  has(text: string): boolean;
  close(): Promise<void>;
}

/** Starts an {@link EventReceiver} on a free port. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const events: Record<string, unknown>[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: `r-${randomUUID()}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    events,
    has: (text) => events.some((e) => JSON.stringify(e).includes(text)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** POSTs a signed customer text message to an http instance of the bridge; throws unless it is accepted. */
export async function postCustomerText(input: {
  readonly bridgeUrl: string;
  readonly instance: { readonly key: string; readonly secret: string };
  readonly chatKey: string;
  readonly text: string;
  readonly name?: string;
  readonly phone?: string;
}): Promise<void> {
  const body = JSON.stringify({
    type: 'message',
    eventId: randomUUID(),
    chatKey: input.chatKey,
    sender: {
      id: `c-${input.chatKey}`,
      name: input.name ?? `Customer ${input.chatKey}`,
      ...(input.phone ? { phone: input.phone } : {}),
    },
    message: { type: 'text', text: input.text },
    timestamp: Math.floor(Date.now() / 1000),
  });
  const response = await fetch(`${input.bridgeUrl}/channels/http/${input.instance.key}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...webhookHeaders({ body, secret: input.instance.secret }) },
    body,
  });
  if (response.status >= 300) throw new Error(`customer event refused: ${response.status} ${await response.text()}`);
}
