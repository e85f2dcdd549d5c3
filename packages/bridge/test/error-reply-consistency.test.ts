// Issue 16 item 2: one errorReply() at the root, scopes stating only what they answer differently. Every route
// family gets the same failures (a body over its limit, JSON that does not parse, the store failing under it) and
// answers them in one shape, `{ error, message }`, with statuses that mean the same thing, and no internals.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_ADMIN_TOKEN, type RelayHarness } from './support/relay-harness.js';
import { createWebchatHarness, openSocket, type TestSocket, type WebchatHarness } from './support/webchat-harness.js';

const SHOP = 'http://shop.example.test';
const LIMIT = 2048;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Record<string, unknown>;
}

async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer<ArrayBuffer> },
) {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: init.headers ?? {},
    body: init.body ?? null,
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsed: text };
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body } as Answer;
}

/** The one shape: a JSON object with a string `error` code and a string `message`, nothing from a stack. */
function expectShape(answer: Answer, status: number, error: string): void {
  expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error });
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(typeof answer.body.message).toBe('string');
  expect(JSON.stringify(answer.body)).not.toMatch(/stack|sqlite|no such table|SQL|at \S+ \(/i);
}

describe('every route family answers the same failures the same way', () => {
  let h: WebchatHarness;
  let relay: RelayHarness;
  let visitor: TestSocket;
  let token: string;
  const admin = { authorization: `Bearer ${RELAY_ADMIN_TOKEN}` };

  beforeAll(async () => {
    h = await createWebchatHarness({
      engine: 'sqlite',
      settings: { allowedOrigins: [SHOP], uploads: { maxBytes: LIMIT, mimeTypes: ['text/plain'] } },
      env: {
        HOOK_BODY_LIMIT_BYTES: String(LIMIT),
        CHANNEL_BODY_LIMIT_BYTES: String(LIMIT),
        ADMIN_BODY_LIMIT_BYTES: String(LIMIT),
      },
    });
    relay = h.relay;
    visitor = await openSocket(h.bridgeUrl, h.instanceKey, SHOP);
    const session = visitor.next('session');
    visitor.send({ type: 'start', profile: { name: 'Consistent Carla' } });
    token = (await session).token;
  });
  afterAll(async () => {
    await visitor?.close();
    await h?.close();
  });

  it('413 too_large from every family for a body over its limit, naming the limit', async () => {
    const big = Buffer.alloc(LIMIT + 1, 120);
    const answers = {
      intake: await relay.postHook(big),
      http: await relay.postCustomerEvent(undefined, { rawBody: big.toString() }),
      admin: await send(`${h.bridgeUrl}/admin/api/accounts`, {
        headers: { ...admin, 'content-type': 'application/json' },
        body: big,
      }),
      webchat: await send(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
        headers: { origin: SHOP, 'content-type': 'text/plain', authorization: `Bearer ${token}` },
        body: big,
      }),
      whatsapp: await send(`${h.bridgeUrl}/channels/whatsapp/any-instance/webhook`, {
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(1024 * 1024 + 1, 120),
      }),
    };
    for (const [family, answer] of Object.entries(answers)) {
      expect({ family, status: answer.status, error: answer.body.error }).toEqual({
        family,
        status: 413,
        error: 'too_large',
      });
    }
    // The documented sentences of each family stay what they were; the others name the limit they applied.
    expect(answers.intake.body.message).toBe(`hook body exceeds ${LIMIT} bytes`);
    expect(answers.http.body.message).toBe(`event body exceeds ${LIMIT} bytes`);
    expect(answers.webchat.body.message).toBe('files up to 2 KB are accepted');
    expect(answers.admin.body.message).toBe(`the body exceeds ${LIMIT} bytes`);
    expect(answers.whatsapp.body.message).toBe(`the body exceeds ${1024 * 1024} bytes`);
  });

  it('400 invalid_json with one sentence wherever the bridge parses JSON for the route', async () => {
    const broken = '{"name": "half';
    const fromAdmin = await send(`${h.bridgeUrl}/admin/api/accounts`, {
      headers: { ...admin, 'content-type': 'application/json' },
      body: broken,
    });
    const fromHttp = await relay.postCustomerEvent(undefined, { rawBody: broken });
    const answers = [fromAdmin, { ...fromHttp, contentType: 'application/json' }];
    for (const answer of answers) expectShape(answer as Answer, 400, 'invalid_json');
    expect(new Set(answers.map((a) => a.body.message))).toEqual(new Set(['the body is not valid JSON']));
  });

  it('415 unsupported_media_type for a content type no parser takes', async () => {
    const answer = await send(`${h.bridgeUrl}/admin/api/accounts`, {
      headers: { ...admin, 'content-type': 'application/xml' },
      body: '<account/>',
    });
    expectShape(answer, 415, 'unsupported_media_type');
  });

  it('a failing store: 500 internal, or 503 unavailable where the client retries; never the internals', async () => {
    const db = relay.bridge.store.db;
    await sql`alter table channel_instances rename to channel_instances_away`.execute(db);
    await sql`alter table accounts rename to accounts_away`.execute(db);
    try {
      const hook = await relay.postHook(JSON.stringify({ account_id: 'x', time: 1, message: {} }));
      const event = await relay.postCustomerEvent({
        type: 'message',
        eventId: 'store-down-1',
        chatKey: 'store-down',
        timestamp: 1700000000,
        sender: { id: 'c-1', name: 'Carla' },
        message: { type: 'text', text: 'is anyone there?' },
      });
      const accounts = await send(`${h.bridgeUrl}/admin/api/accounts`, { method: 'GET', headers: admin });
      const upload = await send(`${h.bridgeUrl}/webchat/${h.instanceKey}/uploads`, {
        headers: { origin: SHOP, 'content-type': 'text/plain', authorization: `Bearer ${token}` },
        body: 'a small file',
      });
      const whatsapp = await send(`${h.bridgeUrl}/channels/whatsapp/any-instance/webhook`, {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expectShape({ ...hook, contentType: 'application/json' }, 500, 'internal');
      expectShape({ ...event, contentType: 'application/json' }, 503, 'unavailable');
      expectShape(accounts, 500, 'internal');
      expectShape(upload, 503, 'unavailable');
      expectShape(whatsapp, 500, 'internal');
      expect(accounts.body).toEqual({ error: 'internal', message: 'Internal error; see the bridge log' });
      expect(whatsapp.body).toEqual(accounts.body);
      // The log has what the answer leaves out.
      expect(relay.logs.some((l) => l.level === 50 && JSON.stringify(l.err ?? '').includes('no such table'))).toBe(
        true,
      );
    } finally {
      await sql`alter table accounts_away rename to accounts`.execute(db);
      await sql`alter table channel_instances_away rename to channel_instances`.execute(db);
    }
  });
});
