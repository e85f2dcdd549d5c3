import { AmojoInputError } from '../errors/amojo-error.js';
import { hmacHex, safeEqualHex } from '../signing/digest.js';
import type { DisabledHook, DisabledHookInput } from '../types/rest.js';
import { queryOf } from './query-of.js';

/**
 * Checks the signature of the "integration disabled" GET hook: hex HMAC-SHA256 of `"{client_uuid}|{account_id}"`
 * keyed with the integration's client secret, compared in constant time (spec 4.7).
 * @example verifyDisabledHook({ clientUuid, accountId: '123456', signature: query.get('signature'), clientSecret })
 */
export function verifyDisabledHook(input: DisabledHookInput): boolean {
  if (!input.signature || !input.clientUuid || input.accountId === '') return false;
  const expected = hmacHex('sha256', input.clientSecret, `${input.clientUuid}|${input.accountId}`);
  return safeEqualHex(expected, input.signature.trim());
}

/** Reads the disabled hook's query; the integration id comes as `client_uuid` or `client_id` (spec 4.7). */
export function parseDisabledHook(input: URL | URLSearchParams | string): DisabledHook {
  const query = queryOf(input);
  const clientUuid = query.get('client_uuid') ?? query.get('client_id');
  const accountId = query.get('account_id');
  const signature = query.get('signature');
  if (!clientUuid) throw new AmojoInputError('disabled hook without client_uuid (or client_id)', 'client_uuid');
  if (!accountId) throw new AmojoInputError('disabled hook without account_id', 'account_id');
  if (!signature) throw new AmojoInputError('disabled hook without signature', 'signature');
  return { clientUuid, accountId, signature };
}
