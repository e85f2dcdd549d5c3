import { createHmac } from 'node:crypto';
import { AmojoInputError, parseDisabledHook, parseInstallRedirect, verifyDisabledHook } from '@amojo-bridge/sdk';
import { describe, expect, it } from 'vitest';

describe('verifyDisabledHook (spec 4.7)', () => {
  const vector = {
    clientUuid: 'dbcb764d-b02d-4a3b-bc4d-25e1d80fdcad',
    accountId: '123456',
    clientSecret: 'integration-secret',
    signature: '96612925e03fdbf583cdbeb75a917aff9351a3c739c38d237ecf873f23dc6e18',
  };

  it('accepts the spec vector (also with a numeric account id and upper-case hex)', () => {
    expect(verifyDisabledHook(vector)).toBe(true);
    expect(verifyDisabledHook({ ...vector, accountId: 123456 })).toBe(true);
    expect(verifyDisabledHook({ ...vector, signature: vector.signature.toUpperCase() })).toBe(true);
  });

  it('rejects a wrong secret, account, uuid, truncated or missing signature', () => {
    expect(verifyDisabledHook({ ...vector, clientSecret: 'other-secret' })).toBe(false);
    expect(verifyDisabledHook({ ...vector, accountId: '123457' })).toBe(false);
    expect(verifyDisabledHook({ ...vector, clientUuid: vector.clientUuid.replace('d', 'e') })).toBe(false);
    expect(verifyDisabledHook({ ...vector, signature: vector.signature.slice(0, 63) })).toBe(false);
    expect(verifyDisabledHook({ ...vector, signature: null })).toBe(false);
    // SHA-1 of the same message is not accepted.
    const sha1 = createHmac('sha1', vector.clientSecret)
      .update(`${vector.clientUuid}|${vector.accountId}`)
      .digest('hex');
    expect(verifyDisabledHook({ ...vector, signature: sha1 })).toBe(false);
  });

  it('parseDisabledHook reads client_uuid or client_id, account_id and signature', () => {
    const q = `account_id=123456&client_uuid=${vector.clientUuid}&signature=${vector.signature}`;
    expect(parseDisabledHook(`/amocrm/disabled?${q}`)).toEqual({
      clientUuid: vector.clientUuid,
      accountId: '123456',
      signature: vector.signature,
    });
    const withClientId = parseDisabledHook(new URL(`https://b.example/x?${q.replace('client_uuid', 'client_id')}`));
    expect(verifyDisabledHook({ ...withClientId, clientSecret: vector.clientSecret })).toBe(true);
    expect(() => parseDisabledHook('account_id=1&signature=ab')).toThrow(AmojoInputError);
    expect(() => parseDisabledHook(new URLSearchParams({ client_uuid: 'u', signature: 'ab' }))).toThrow(/account_id/);
  });
});

describe('parseInstallRedirect (spec 4.7, 5.1)', () => {
  it('reads a widget-install GET', () => {
    const url = new URL(
      'https://bridge.example/amocrm/install?code=def50200abc&referer=example.amocrm.ru&platform=1&from_widget=1&state=s-1',
    );
    expect(parseInstallRedirect(url)).toEqual({
      code: 'def50200abc',
      referer: 'example.amocrm.ru',
      state: 's-1',
      platform: 1,
      fromWidget: true,
    });
  });

  it('reads a plain OAuth redirect (no from_widget, no state) from a query string', () => {
    expect(parseInstallRedirect('code=abc&referer=acme.kommo.com&platform=2')).toEqual({
      code: 'abc',
      referer: 'acme.kommo.com',
      platform: 2,
      fromWidget: false,
    });
  });

  it('throws AmojoInputError on access_denied and on a missing code or referer', () => {
    expect(() => parseInstallRedirect('error=access_denied&state=s')).toThrow(/refused.*access_denied/);
    expect(() => parseInstallRedirect('referer=a.amocrm.ru')).toThrow(AmojoInputError);
    expect(() => parseInstallRedirect(new URLSearchParams({ code: 'x' }))).toThrow(/referer/);
  });
});
