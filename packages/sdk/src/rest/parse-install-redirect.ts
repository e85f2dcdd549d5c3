import { AmojoInputError } from '../errors/amojo-error.js';
import type { InstallRedirect } from '../types/rest.js';
import { queryOf } from './query-of.js';

/**
 * Reads the GET amoCRM sends to the Redirect URI after an authorization or a widget installation (spec 4.7, 5.1).
 * Throws {@link AmojoInputError} on `error=access_denied` or when `code`/`referer` are missing. `referer` is the
 * account host to exchange the code with: check it belongs to amoCRM before sending the client secret there.
 * @example const { code, referer } = parseInstallRedirect(new URL(req.url, 'https://bridge.example'))
 */
export function parseInstallRedirect(input: URL | URLSearchParams | string): InstallRedirect {
  const query = queryOf(input);
  const refused = query.get('error');
  if (refused) {
    throw new AmojoInputError(`the user refused the authorization (error=${refused})`, 'error');
  }
  const code = query.get('code');
  const referer = query.get('referer');
  if (!code) throw new AmojoInputError('install redirect without code', 'code');
  if (!referer) throw new AmojoInputError('install redirect without referer', 'referer');
  const state = query.get('state');
  const platformText = query.get('platform');
  const platform = platformText === null ? Number.NaN : Number(platformText);
  const fromWidget = query.get('from_widget');
  return {
    code,
    referer,
    ...(state !== null ? { state } : {}),
    ...(Number.isInteger(platform) ? { platform } : {}),
    fromWidget: fromWidget !== null && fromWidget !== '0' && fromWidget !== 'false',
  };
}
