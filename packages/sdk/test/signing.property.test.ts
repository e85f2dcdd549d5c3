import { formatRfc2822, signHook, signRequest, verifyHook, verifyRequest } from '@amojo-bridge/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Bodies: text with any code point (including non-ASCII and astral characters, which take 4 UTF-8 bytes and a
// surrogate pair in JS), printable graphemes, and raw byte arrays.
const bodyArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.constantFrom('', 'Привет 👋 𝄞 ✓', '{"text":"\\u041f\\/"}', 'trailing\n'),
  fc.uint8Array({ maxLength: 300 }),
);
const pathArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/), { minLength: 1, maxLength: 5 })
  .map((segments) => `/v2/origin/custom/${segments.join('/')}`);
const methodArb = fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH');
// Whole seconds: the Date header has second resolution.
const dateArb = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 })
  .map((s) => new Date(s * 1000));
const secretArb = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{40}$/),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }),
);

function bytesOf(body: string | Uint8Array): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** Copy of `bytes` with the byte at `index` XOR-ed with a non-zero mask, so it is guaranteed to differ. */
function flip(bytes: Uint8Array, index: number, mask: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index % copy.length] = (copy[index % copy.length] ?? 0) ^ mask;
  return copy;
}
const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const maskArb = fc.integer({ min: 1, max: 255 });

describe('signRequest / verifyRequest properties', () => {
  it('round-trips for any body, method, path, date and secret', () => {
    fc.assert(
      fc.property(bodyArb, methodArb, pathArb, dateArb, secretArb, (body, method, path, date, secret) => {
        const headers = signRequest({ method, path, body, secret, date });
        expect(headers.Date).toBe(formatRfc2822(date));
        expect(headers['Content-MD5']).toMatch(/^[0-9a-f]{32}$/);
        expect(headers['X-Signature']).toMatch(/^[0-9a-f]{40}$/);
        // The server sees bytes: verification over the UTF-8 bytes of a string body must agree.
        expect(verifyRequest({ method, path, headers, body: bytesOf(body), secret, now: date })).toEqual({ ok: true });
        expect(verifyRequest({ method, path: `${path}?offset=0&limit=50`, headers, body, secret, now: date }).ok).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('fails when any byte of the body is flipped', () => {
    fc.assert(
      fc.property(
        bodyArb.filter((b) => bytesOf(b).length > 0),
        pathArb,
        dateArb,
        secretArb,
        fc.nat(),
        maskArb,
        (body, path, date, secret, index, mask) => {
          const headers = signRequest({ method: 'POST', path, body, secret, date });
          const tampered = flip(bytesOf(body), index, mask);
          const result = verifyRequest({ method: 'POST', path, headers, body: tampered, secret, now: date });
          expect(result).toMatchObject({ ok: false, reason: 'content-md5-mismatch' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails when any byte of the path is flipped', () => {
    fc.assert(
      fc.property(bodyArb, pathArb, dateArb, secretArb, fc.nat(), maskArb, (body, path, date, secret, index, mask) => {
        const headers = signRequest({ method: 'POST', path, body, secret, date });
        const tamperedPath = latin1(flip(Buffer.from(path, 'latin1'), index, mask));
        expect(tamperedPath).not.toBe(path);
        const result = verifyRequest({ method: 'POST', path: tamperedPath, headers, body, secret, now: date });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('fails when any byte of the Date header is flipped', () => {
    fc.assert(
      fc.property(bodyArb, pathArb, dateArb, secretArb, fc.nat(), maskArb, (body, path, date, secret, index, mask) => {
        const headers = signRequest({ method: 'POST', path, body, secret, date });
        const tamperedDate = latin1(flip(Buffer.from(headers.Date, 'latin1'), index, mask));
        const result = verifyRequest({
          method: 'POST',
          path,
          headers: { ...headers, Date: tamperedDate },
          body,
          secret,
          now: date,
        });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('fails with any other secret', () => {
    fc.assert(
      fc.property(bodyArb, pathArb, dateArb, secretArb, secretArb, (body, path, date, secret, other) => {
        fc.pre(secret !== other);
        const headers = signRequest({ method: 'POST', path, body, secret, date });
        expect(verifyRequest({ method: 'POST', path, headers, body, secret: other, now: date })).toMatchObject({
          ok: false,
          reason: 'signature-mismatch',
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('signHook / verifyHook properties', () => {
  it('round-trips for any body and fails when any byte is flipped', () => {
    fc.assert(
      fc.property(bodyArb, secretArb, fc.nat(), maskArb, (body, secret, index, mask) => {
        const signature = signHook(body, secret);
        expect(verifyHook(body, signature, secret)).toBe(true);
        expect(verifyHook(bytesOf(body), signature, secret)).toBe(true);
        const bytes = bytesOf(body);
        if (bytes.length > 0) expect(verifyHook(flip(bytes, index, mask), signature, secret)).toBe(false);
        // A flip that only changes letter case is the same hex value (the comparison is case-insensitive by design).
        const flipped = latin1(flip(Buffer.from(signature, 'latin1'), index, mask));
        if (flipped.toLowerCase() !== signature) expect(verifyHook(bytes, flipped, secret)).toBe(false);
        else expect(verifyHook(bytes, flipped, secret)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the signed body followed by CR/LF only, and refuses it when any byte of the body is flipped', () => {
    const tailArb = fc.array(fc.constantFrom('\r', '\n'), { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(bodyArb, secretArb, tailArb, fc.nat(), maskArb, (body, secret, tail, index, mask) => {
        const signature = signHook(body, secret);
        const bytes = bytesOf(body);
        fc.pre(bytes.length === 0 || (bytes[bytes.length - 1] !== 0x0a && bytes[bytes.length - 1] !== 0x0d));
        const withTail = (extra: string) => Buffer.concat([bytes, Buffer.from(extra)]);
        if (typeof body === 'string') expect(verifyHook(`${body}${tail}`, signature, secret)).toBe(true);
        expect(verifyHook(withTail(tail), signature, secret)).toBe(true);
        expect(verifyHook(withTail(`${tail} `), signature, secret)).toBe(false);
        expect(verifyHook(withTail('\t'), signature, secret)).toBe(false);
        if (bytes.length > 0) {
          const forged = Buffer.concat([flip(bytes, index, mask), Buffer.from(tail)]);
          expect(verifyHook(forged, signature, secret)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
