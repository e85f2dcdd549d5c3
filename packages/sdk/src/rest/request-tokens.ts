import { AmojoNetworkError } from '../errors/amojo-error.js';
import { sendRequest } from '../http/send-request.js';
import type { OAuthTokenResponse, TokenSet } from '../types/rest.js';
import { attemptSlots } from './attempt-slots.js';
import { parseJsonBody, type RestContext, scrubError } from './rest-context.js';

/** The grant-specific part of a token request body (spec 5.1). */
export type TokenGrant =
  | { readonly grant_type: 'authorization_code'; readonly code: string }
  | { readonly grant_type: 'refresh_token'; readonly refresh_token: string };

/** Client credentials sent with every grant. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

const LABEL = '/oauth2/access_token';

/**
 * Calls `POST /oauth2/access_token` once and turns the answer into a {@link TokenSet}. Never retried: the code and
 * the refresh token are single-use, so a repeat after a lost answer would be refused anyway, and a refused repeat
 * must not hide the first answer's outcome.
 */
export async function requestTokens(
  ctx: RestContext,
  credentials: ClientCredentials,
  grant: TokenGrant,
): Promise<TokenSet> {
  const body = JSON.stringify({
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    ...grant,
    redirect_uri: credentials.redirectUri,
  });
  const grantSecret = grant.grant_type === 'authorization_code' ? grant.code : grant.refresh_token;
  const secrets = [...ctx.secrets(), grantSecret];
  let response: Awaited<ReturnType<typeof sendRequest>>;
  const slots = attemptSlots(ctx.limiter);
  try {
    response = await sendRequest(ctx.http, {
      method: 'POST',
      operation: grant.grant_type === 'authorization_code' ? 'exchangeCode' : 'refreshTokens',
      url: `${ctx.baseUrl}${LABEL}`,
      label: LABEL,
      headers: async () => {
        await slots.next();
        return { 'Content-Type': 'application/json', Accept: 'application/json' };
      },
      body,
      idempotent: false,
    });
  } catch (error) {
    throw scrubError(error, secrets);
  } finally {
    slots.done();
  }
  const answer = parseJsonBody<Partial<OAuthTokenResponse>>(response, `POST ${LABEL}`);
  if (
    !answer ||
    typeof answer.access_token !== 'string' ||
    typeof answer.refresh_token !== 'string' ||
    typeof answer.expires_in !== 'number'
  ) {
    throw new AmojoNetworkError(
      `POST ${LABEL} answered HTTP ${response.status} without access_token, refresh_token and expires_in`,
    );
  }
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token,
    // Local clock, not server_time: expiry is compared with the local clock later.
    expiresAt: ctx.http.now().getTime() + answer.expires_in * 1000,
    tokenType: typeof answer.token_type === 'string' ? answer.token_type : 'Bearer',
  };
}
