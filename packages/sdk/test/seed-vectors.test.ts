import { readFileSync } from 'node:fs';
import { parseHttpDate, signHook, signRequest, verifyHook, verifyRequest } from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';

interface SignedVector {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body_json?: string;
  readonly signing_string: string;
}
interface Fixture {
  readonly channel: { readonly secret: string };
  readonly amojo_requests: readonly SignedVector[];
  readonly constructed_vectors: readonly SignedVector[];
  readonly webhooks: readonly {
    readonly id: string;
    readonly body: unknown;
    readonly candidate_raw_bodies: readonly { readonly raw: string; readonly x_signature: string }[];
  }[];
}

// The project must work from a clone alone: the fixture is a copy of the spec's seed-examples.json.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/seed-examples.json', import.meta.url), 'utf8')) as Fixture;
const secret = fixture.channel.secret;
const vectors = [...fixture.amojo_requests, ...fixture.constructed_vectors];

function dateOf(v: SignedVector): Date {
  const d = parseHttpDate(v.headers.Date ?? '');
  if (!d) throw new Error(`vector ${v.id} has no parsable Date`);
  return d;
}

describe('seed request vectors', () => {
  it('has the seven signed requests of the seed and the constructed GET', () => {
    expect(fixture.amojo_requests.map((v) => v.id)).toEqual([
      'connect',
      'new_message_incoming',
      'delivery_status',
      'disconnect',
      'new_message_with_source',
      'create_chat',
      'typing',
    ]);
    expect(fixture.constructed_vectors).toHaveLength(1);
  });

  describe.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const body = v.body_json ?? '';

    it('reproduces Content-MD5 and X-Signature byte for byte with signRequest', () => {
      const headers = signRequest({ method: v.method, path: v.path, body, secret, date: v.headers.Date });
      expect(headers).toEqual({
        Date: v.headers.Date,
        'Content-Type': 'application/json',
        'Content-MD5': v.headers['Content-MD5'],
        'X-Signature': v.headers['X-Signature'],
      });
    });

    it('reproduces it from a Date object too (RFC 2822 formatting)', () => {
      const headers = signRequest({ method: v.method, path: v.path, body, secret, date: dateOf(v) });
      expect(headers.Date).toBe(v.headers.Date);
      expect(headers['X-Signature']).toBe(v.headers['X-Signature']);
    });

    it('signs the path of the URL without its query string', () => {
      const url = new URL(v.url);
      expect(url.pathname).toBe(v.path);
    });

    it('is accepted by verifyRequest with a clock near its Date, even with the query on the path', () => {
      const now = new Date(dateOf(v).getTime() + 60_000);
      const pathWithQuery = new URL(v.url).pathname + new URL(v.url).search;
      expect(verifyRequest({ method: v.method, path: pathWithQuery, headers: v.headers, body, secret, now })).toEqual({
        ok: true,
      });
    });

    it('is rejected by verifyRequest when the Date is older than 15 minutes', () => {
      const now = new Date(dateOf(v).getTime() + 16 * 60_000);
      const result = verifyRequest({ method: v.method, path: v.path, headers: v.headers, body, secret, now });
      expect(result).toMatchObject({ ok: false, reason: 'date-out-of-range' });
    });

    it('is rejected with another secret', () => {
      const now = dateOf(v);
      const result = verifyRequest({
        method: v.method,
        path: v.path,
        headers: v.headers,
        body,
        secret: 'x'.repeat(40),
        now,
      });
      expect(result).toMatchObject({ ok: false, reason: 'signature-mismatch' });
    });
  });

  it('JSON.stringify of the parsed body differs from the PHP bytes where the spec says so (2.4)', () => {
    const incoming = fixture.amojo_requests.find((v) => v.id === 'new_message_incoming')!;
    const reserialised = JSON.stringify(JSON.parse(incoming.body_json!));
    expect(reserialised).not.toBe(incoming.body_json);
    const headers = signRequest({
      method: 'POST',
      path: incoming.path,
      body: reserialised,
      secret,
      date: incoming.headers.Date,
    });
    expect(headers['Content-MD5']).not.toBe(incoming.headers['Content-MD5']);
  });
});

describe('spec 2.5 (c): the API reference sample secret', () => {
  it('reproduces Content-MD5 a5e8ae04... and X-Signature 9d7bcd1b...', () => {
    const headers = signRequest({
      method: 'POST',
      path: '/v2/origin/custom/f90ba33d-c9d9-44da-b76c-c349b0ecbe41/connect',
      body: '{"account_id":"af9945ff-1490-4cad-807d-945c15d88bec","title":"ScopeTitle","hook_api_version":"v2"}',
      secret: '5a44c5dff55f3c15a4cce8d7c4cc27e207c7e189',
      date: 'Mon, 03 Oct 2020 15:11:21 +0000',
    });
    expect(headers['Content-MD5']).toBe('a5e8ae04332a6d0aac15f01ad05d40e3');
    expect(headers['X-Signature']).toBe('9d7bcd1bac8a4bd3e1d96d6a4ac69a9635b913f2');
  });
});

describe('seed webhook vectors', () => {
  const hook = fixture.webhooks[0]!;

  it.each(hook.candidate_raw_bodies.map((c, i) => [i, c] as const))(
    'candidate %i reproduces with signHook',
    (_i, c) => {
      expect(signHook(c.raw, secret)).toBe(c.x_signature);
      expect(verifyHook(c.raw, c.x_signature, secret)).toBe(true);
      expect(verifyHook(Buffer.from(c.raw, 'utf8'), c.x_signature.toUpperCase(), secret)).toBe(true);
    },
  );

  it('the compact candidate is JSON.stringify of the body; a trailing newline is not signed but is accepted', () => {
    const compact = hook.candidate_raw_bodies[0]!;
    expect(JSON.stringify(hook.body)).toBe(compact.raw);
    expect(signHook(`${compact.raw}\n`, secret)).not.toBe(compact.x_signature);
    // Real amojo deliveries end in "\n" that X-Signature does not cover (spec 4.1).
    expect(verifyHook(`${compact.raw}\n`, compact.x_signature, secret)).toBe(true);
    expect(verifyHook(`${compact.raw} `, compact.x_signature, secret)).toBe(false);
  });
});
