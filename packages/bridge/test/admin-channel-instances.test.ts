// The admin API manages every channel kind from the plugins' schemas; removing an instance whose chats still get
// manager answers refuses those answers with 902, and the DELETE answer says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, RELAY_ADMIN_TOKEN, type RelayHarness, waitFor } from './support/relay-harness.js';

/** A kind as `GET /admin/api/channel-kinds` lists it (the parts read here). */
interface KindJson {
  readonly kind: string;
  readonly settings: { readonly properties: Record<string, { readonly description?: string }> };
}

describe.each(ENGINES)('admin API: channel kinds and instances (%s)', (engine) => {
  let h: RelayHarness;
  const auth = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    h.bridge.app.inject({ method, url: `/admin/api${url}`, headers: auth, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('describes every kind with its settings as JSON Schema and its secret fields', async () => {
    const response = await call('GET', '/channel-kinds');
    expect(response.statusCode).toBe(200);
    const items = response.json().items as KindJson[];
    expect(items.map((k) => k.kind)).toEqual(['http', 'webchat', 'telegram', 'whatsapp']);
    const webchat = items.find((k) => k.kind === 'webchat')!;
    expect(webchat).toMatchObject({ title: 'Website chat', secretSettings: [], instanceSecret: 'internal' });
    expect(webchat.settings).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: {
        origins: { type: 'array', items: { type: 'string' }, default: [] },
        title: { default: null },
        uploads: { type: 'object', properties: { maxBytes: { type: 'integer', maximum: 52428800 } } },
      },
    });
    expect(webchat.settings.properties.origins.description).toMatch(/websites allowed to embed the chat/);
    const http = items.find((k) => k.kind === 'http')!;
    expect(http).toMatchObject({ instanceSecret: 'shown-once', settings: { required: ['url'] } });
    expect(http.settings.properties.url).toMatchObject({ type: 'string', format: 'uri' });
  });

  it('creates, reads, updates and deletes a webchat instance, naming bad fields', async () => {
    const created = await call('POST', '/channel-instances', {
      kind: 'webchat',
      name: 'Shop website',
      settings: { origins: ['https://shop.example'], title: 'Shop' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).not.toHaveProperty('secret');
    expect(body.instance).toMatchObject({
      kind: 'webchat',
      name: 'Shop website',
      settings: { origins: ['https://shop.example'], title: 'Shop' },
      hasSecret: true,
    });
    const key = body.instance.key as string;
    expect(body.snippet).toBe(`<script src="${h.bridge.url}/webchat.js" data-instance="${key}" async></script>`);
    expect(body.connectionInfo).toEqual({ snippet: body.snippet });

    const one = await call('GET', `/channel-instances/${key}`);
    expect(one.json()).toMatchObject({ key, kind: 'webchat', connectionInfo: { snippet: body.snippet } });
    const webchats = await call('GET', '/channel-instances?kind=webchat');
    expect(webchats.json().items.map((i: { key: string }) => i.key)).toEqual([key]);

    const patched = await call('PATCH', `/channel-instances/${key}`, {
      name: 'Shop',
      settings: { title: null, form: { phone: { required: true } } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().instance).toMatchObject({
      name: 'Shop',
      settings: { origins: ['https://shop.example'], form: { phone: { required: true } } },
    });
    expect(patched.json().instance.settings).not.toHaveProperty('title');

    const typo = await call('PATCH', `/channel-instances/${key}`, { settings: { orgins: ['https://a.example'] } });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toMatchObject({ error: 'invalid_input', field: 'settings.orgins' });
    const bad = await call('POST', '/channel-instances', {
      kind: 'webchat',
      name: 'x',
      settings: { uploads: { maxBytes: 'big' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'settings.uploads.maxBytes' });
    expect(bad.json().message).toMatch(/settings\.uploads\.maxBytes: .*expected number/);
    const extra = await call('PATCH', `/channel-instances/${key}`, { colour: 'red' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toMatch(/colour/);
    const taken = await call('POST', '/channel-instances', { kind: 'webchat', name: 'x', key });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ field: 'key' });
    expect((await call('PATCH', '/channel-instances/nope', { name: 'x' })).statusCode).toBe(404);

    // No conversation: a plain 204.
    expect((await call('DELETE', `/channel-instances/${key}`)).statusCode).toBe(204);
    expect((await call('GET', `/channel-instances/${key}`)).statusCode).toBe(404);
  });

  it('rotates an http secret, showing the new one once: the old one no longer signs', async () => {
    const created = await call('POST', '/channel-instances', {
      kind: 'http',
      name: 'rotating',
      settings: { url: h.customer.url },
    });
    expect(created.statusCode).toBe(201);
    const { instance, secret: oldSecret } = created.json();
    const rotated = await call('PATCH', `/channel-instances/${instance.key}`, { rotateSecret: true });
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret).not.toBe(oldSecret);
    expect((await call('GET', `/channel-instances/${instance.key}`)).body).not.toContain(newSecret);
    const event = (eventId: string) => ({
      eventId,
      chatKey: 'chat-rotated',
      sender: { id: 'c-1', name: 'Rotating Rita' },
      message: { type: 'text', text: 'hello' },
      timestamp: Math.floor(Date.now() / 1000),
    });
    const withOld = await h.postCustomerEvent(event('e-old'), { secret: oldSecret, instanceKey: instance.key });
    expect(withOld.status).toBe(401);
    const withNew = await h.postCustomerEvent(event('e-new'), { secret: newSecret, instanceKey: instance.key });
    expect(withNew.status).toBe(200);
    const webchat = await call('POST', '/channel-instances', { kind: 'webchat', name: 'w' });
    const internal = await call('PATCH', `/channel-instances/${webchat.json().instance.key}`, { rotateSecret: true });
    expect(internal.statusCode).toBe(200);
    expect(internal.json()).not.toHaveProperty('secret');
  });

  it('refuses manager answers with 902 after the chat lost its instance, and the DELETE answer says so', async () => {
    await h.sendCustomerText('chat-orphaned', 'hello before the removal');
    const chat = await waitFor('the chat in the sandbox', () => h.chatOf('chat-orphaned'));
    const removed = await call('DELETE', `/channel-instances/${h.instanceKey}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ removed: h.instanceKey, conversations: 1 });
    expect(removed.json().note).toMatch(/keep their history; manager answers to them are refused.*902/);

    const answer = await h.sendManagerMessage(chat.id, { text: 'anyone there?' });
    expect(answer.status).toBe(200);
    const answerId = (answer.body as { messages: { id: string }[] }).messages[0]!.id;
    const refused = await waitFor('status -1 for the answer', async () =>
      (await h.sandboxMessages(chat.id)).find((m) => m.id === answerId && m.status === 'error'),
    );
    expect(refused.error?.code).toBe(902);
    expect(h.customer.events.some((e) => e.body.chatKey === 'chat-orphaned' && e.body.type === 'message')).toBe(false);
    // The customer system's events are refused too: the instance is gone.
    expect((await h.sendCustomerText('chat-orphaned', 'still there?')).status).toBe(404);
  });
});
