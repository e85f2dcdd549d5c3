// Issue 9 part 5: the sandbox refuses what amojo documents it refuses, with a reason header that names the real
// mistake, and accepts what public clients send to live amoCRM.
import { request as httpRequest } from 'node:http';
import { type Sandbox, startSandbox } from '@amojo-bridge/sandbox';
import { hmacHex, md5Hex, signRequest, stringToSign } from '@amojo-bridge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectScope, incoming, MANAGER_ID, postToScope, SCOPE_ID, SECRET, testOptions } from './fixtures/helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(testOptions());
  await connectScope(sandbox.url);
});
afterAll(() => sandbox.close());

interface Raw {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
}

/** One request through node:http (a GET may carry a body), with the four headers given exactly. */
function raw(method: string, path: string, headers: Record<string, string>, body: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const sized = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(`${sandbox.url}${path}`, { method, headers: sized }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          reason: String(res.headers['x-sandbox-reason'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs like the SDK but lets the test choose each header value, then signs over exactly those values. */
function signedWith(
  method: string,
  path: string,
  body: string,
  over: { contentType?: string; md5?: string; date?: string; upperSignature?: boolean },
) {
  const contentType = over.contentType ?? 'application/json';
  const md5 = over.md5 ?? md5Hex(body);
  const date = over.date ?? new Date().toUTCString().replace(/GMT$/, '+0000');
  const signature = hmacHex('sha1', SECRET, stringToSign(method, md5, contentType, date, path));
  return {
    Date: date,
    'Content-Type': contentType,
    'Content-MD5': md5,
    'X-Signature': over.upperSignature ? signature.toUpperCase() : signature,
  };
}

const scopePath = `/v2/origin/custom/${SCOPE_ID}`;

describe('Chats API request form (spec 2.1)', () => {
  it('accepts only application/json as Content-Type, even when the signature covers another', async () => {
    const body = JSON.stringify(incoming('conv-ct', 'hello'));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8']) {
      const answer = await raw('POST', scopePath, signedWith('POST', scopePath, body, { contentType }), body);
      expect(answer.status).toBe(400);
      expect(answer.reason).toMatch(/Content-Type must be application\/json/);
    }
  });

  it('wants lowercase hex digests and says "lowercase" when only the case is wrong', async () => {
    const body = JSON.stringify(incoming('conv-case', 'hello'));
    const upperMd5 = await raw(
      'POST',
      scopePath,
      signedWith('POST', scopePath, body, { md5: md5Hex(body).toUpperCase() }),
      body,
    );
    expect(upperMd5.status).toBe(403);
    expect(upperMd5.reason).toMatch(/Content-MD5.*lowercase/);
    const upperSignature = await raw(
      'POST',
      scopePath,
      signedWith('POST', scopePath, body, { upperSignature: true }),
      body,
    );
    expect(upperSignature.status).toBe(403);
    expect(upperSignature.reason).toMatch(/X-Signature.*lowercase/);
    // Case is not the only thing checked: a wrong digest is still a plain mismatch.
    const wrong = await raw('POST', scopePath, signedWith('POST', scopePath, body, { md5: 'a'.repeat(32) }), body);
    expect(wrong.status).toBe(403);
    expect(wrong.reason).not.toMatch(/lowercase/);
  });

  it('names the body when a GET carries one', async () => {
    const chat = await postToScope(sandbox.url, SCOPE_ID, incoming('conv-get', 'hello'));
    expect(chat.status).toBe(200);
    const path = `${scopePath}/chats/${chat.json.new_message.conversation_id}/history`;
    const body = '{"offset":0}';
    const answer = await raw('GET', path, signedWith('GET', path, body, {}), body);
    expect(answer, answer.text).toMatchObject({ status: 403 });
    expect(answer.reason).toMatch(/GET.*body/i);
    expect(answer.reason).not.toMatch(/re-serialised/);
  });

  it('accepts an RFC 2822 date without the weekday', async () => {
    const body = JSON.stringify(incoming('conv-date', 'hello'));
    const date = new Date()
      .toUTCString()
      .replace(/^[A-Z][a-z]{2}, /, '')
      .replace(/GMT$/, '+0000');
    expect(date).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const answer = await raw('POST', scopePath, signedWith('POST', scopePath, body, { date }), body);
    expect({ status: answer.status, reason: answer.reason }).toEqual({ status: 200, reason: '' });
  });

  it('still accepts what the SDK signs (its own signRequest)', async () => {
    const body = JSON.stringify(incoming('conv-sdk', 'hello'));
    const answer = await raw(
      'POST',
      scopePath,
      { ...signRequest({ method: 'POST', path: scopePath, body, secret: SECRET }) },
      body,
    );
    expect(answer.status).toBe(200);
  });
});

describe('messages and chats (spec 3.3, 3.4.3)', () => {
  it('accepts an outgoing message whose manager is named only by sender.ref_id', async () => {
    await postToScope(sandbox.url, SCOPE_ID, incoming('conv-ref', 'hello'));
    const now = Date.now();
    const answer = await postToScope(sandbox.url, SCOPE_ID, {
      event_type: 'new_message',
      payload: {
        timestamp: Math.floor(now / 1000),
        msec_timestamp: now,
        msgid: `out-ref-${now}`,
        conversation_id: 'conv-ref',
        sender: { ref_id: MANAGER_ID },
        receiver: { id: 'client-of-conv-ref', name: 'Client' },
        message: { type: 'text', text: 'answer from amoCRM, imported' },
        silent: true,
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.new_message.sender_id).toBe(MANAGER_ID);
  });

  it('answers create-chat in the reference shape: phone and email flat in user, only when sent', async () => {
    const path = `${scopePath}/chats`;
    const body = JSON.stringify({
      conversation_id: 'conv-create-shape',
      user: { id: 'client-create', name: 'Ann', profile: { phone: '+79990001122', email: 'ann@example.com' } },
    });
    const answer = await raw('POST', path, signedWith('POST', path, body, {}), body);
    expect(answer.status).toBe(200);
    const json = JSON.parse(answer.text);
    expect(json).toEqual({
      id: expect.any(String),
      user: {
        id: expect.any(String),
        client_id: 'client-create',
        name: 'Ann',
        avatar: '',
        phone: '+79990001122',
        email: 'ann@example.com',
      },
    });
  });
});
