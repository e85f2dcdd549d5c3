import { scopeIdOf } from '@amojo-bridge/sdk';
import type { ChannelConfig } from '../config.js';
import { AmojoRequestError, invalidRequest } from '../errors.js';
import type { ChatsAnswer, ChatsContext } from './chats-context.js';
import { type JsonObject, optBool, optString, reqString } from './read-fields.js';

function knownAccount(ctx: ChatsContext, channel: ChannelConfig, accountId: string): void {
  if (!ctx.state.crm.account(accountId)) {
    throw invalidRequest(`account_id ${accountId} is not an account of this sandbox`);
  }
  if (channel.allowedAccounts && !channel.allowedAccounts.includes(accountId)) {
    throw new AmojoRequestError(
      403,
      'ACCOUNT_NOT_ALLOWED',
      'the channel is private and this account is not in its allowed list',
    );
  }
}

/** `POST /v2/origin/custom/{channel_id}/connect` (spec 3.1); idempotent, returns `{channel_id}_{account_id}`. */
export function connect(ctx: ChatsContext, channel: ChannelConfig, body: JsonObject): ChatsAnswer {
  const accountId = reqString(body, 'account_id', 'account_id');
  const version = optString(body, 'hook_api_version', 'hook_api_version') ?? 'v1';
  if (version !== 'v1' && version !== 'v2') throw invalidRequest('hook_api_version must be "v1" or "v2"');
  const registered = channel.hookApiVersion ?? 'v2';
  if (version !== registered) {
    // amoCRM defaults to v1 when the field is missing (spec 3.1); the channel must have a URL for that version.
    throw invalidRequest(
      `hook_api_version ${version}: the channel has a hook URL registered only for ${registered}; send "hook_api_version":"${registered}"`,
    );
  }
  const title = optString(body, 'title', 'title') ?? channel.name;
  const isTimeWindowDisabled = optBool(body, 'is_time_window_disabled', 'is_time_window_disabled') ?? false;
  knownAccount(ctx, channel, accountId);
  const scopeId = scopeIdOf(channel.id, accountId);
  const existing = ctx.state.scopes.get(scopeId);
  const scope = existing ?? {
    scopeId,
    channelId: channel.id,
    accountId,
    title,
    hookApiVersion: version,
    isTimeWindowDisabled,
    connected: true,
  };
  scope.title = title;
  scope.hookApiVersion = version;
  scope.isTimeWindowDisabled = isTimeWindowDisabled;
  scope.connected = true;
  ctx.state.scopes.set(scopeId, scope);
  ctx.state.scopeChanged(scope);
  ctx.log.info?.({ scopeId, accountId }, 'channel connected');
  return {
    status: 200,
    body: {
      account_id: accountId,
      scope_id: scopeId,
      title,
      hook_api_version: version,
      is_time_window_disabled: isTimeWindowDisabled,
    },
  };
}

/** `DELETE /v2/origin/custom/{channel_id}/disconnect` (spec 3.2); 200 with no body, also when already disconnected. */
export function disconnect(ctx: ChatsContext, channel: ChannelConfig, body: JsonObject): ChatsAnswer {
  const accountId = reqString(body, 'account_id', 'account_id');
  const scope = ctx.state.scopes.get(scopeIdOf(channel.id, accountId));
  if (!scope) {
    throw new AmojoRequestError(404, 'ORIGIN_NOT_REGISTERED', 'NOT_FOUND', `account ${accountId} was never connected`);
  }
  disconnectScope(ctx, scope.scopeId);
  return { status: 200 };
}

/** Marks a scope disconnected: no hooks, no more calls on it (used by disconnect and integration disabling). */
export function disconnectScope(ctx: Pick<ChatsContext, 'state' | 'log'>, scopeId: string): boolean {
  const scope = ctx.state.scopes.get(scopeId);
  if (!scope?.connected) return false;
  scope.connected = false;
  ctx.state.scopeChanged(scope);
  ctx.log.info?.({ scopeId }, 'channel disconnected');
  return true;
}
