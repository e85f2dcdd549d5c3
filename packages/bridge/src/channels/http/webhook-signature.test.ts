import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, webhookHeaders } from './webhook-signature.js';

const secret = 'instance-secret';
const now = new Date('2026-01-02T03:04:05Z');

describe('http channel webhook signatures', () => {
  it('signs {id}.{timestamp}.{body} with HMAC-SHA256, base64, prefixed v1', () => {
    const expected = createHmac('sha256', secret).update('msg_1.1700000000.{"a":1}').digest('base64');
    expect(signWebhook({ id: 'msg_1', timestamp: 1700000000, body: '{"a":1}', secret })).toBe(`v1,${expected}`);
  });

  it('verifies its own headers and refuses any change of body, id, timestamp or secret', () => {
    const body = '{"eventId":"e1","text":"привет 👋"}';
    const headers = webhookHeaders({ body, secret, id: 'msg_x', now });
    expect(verifyWebhook({ headers, body, secret, now })).toEqual({
      ok: true,
      id: 'msg_x',
      timestamp: Math.floor(now.getTime() / 1000),
    });
    expect(verifyWebhook({ headers, body: `${body} `, secret, now })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyWebhook({ headers: { ...headers, 'webhook-id': 'msg_y' }, body, secret, now })).toMatchObject({
      reason: 'bad_signature',
    });
    const shifted = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) };
    expect(verifyWebhook({ headers: shifted, body, secret, now })).toMatchObject({ reason: 'bad_signature' });
    expect(verifyWebhook({ headers, body, secret: 'other', now })).toMatchObject({ reason: 'bad_signature' });
  });

  it('accepts any one of several space-separated signatures (key rotation)', () => {
    const body = 'x';
    const headers = webhookHeaders({ body, secret, id: 'msg_r', now });
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(verifyWebhook({ headers: rotated, body, secret, now }).ok).toBe(true);
  });

  it('refuses timestamps outside the 5 minute window and missing headers, saying why', () => {
    const body = '{}';
    const old = webhookHeaders({ body, secret, now: new Date(now.getTime() - 301_000) });
    expect(verifyWebhook({ headers: old, body, secret, now })).toMatchObject({
      ok: false,
      reason: 'timestamp_too_old',
    });
    const future = webhookHeaders({ body, secret, now: new Date(now.getTime() + 301_000) });
    expect(verifyWebhook({ headers: future, body, secret, now })).toMatchObject({ reason: 'timestamp_in_future' });
    const edge = webhookHeaders({ body, secret, now: new Date(now.getTime() - 299_000) });
    expect(verifyWebhook({ headers: edge, body, secret, now }).ok).toBe(true);
    const missing = verifyWebhook({ headers: { 'webhook-id': 'a' }, body, secret, now });
    expect(missing).toMatchObject({ ok: false, reason: 'missing_headers' });
    const garbage = verifyWebhook({
      headers: { 'webhook-id': 'a', 'webhook-timestamp': 'yesterday', 'webhook-signature': 'v1,x' },
      body,
      secret,
      now,
    });
    expect(garbage).toMatchObject({ reason: 'bad_timestamp' });
  });
});
