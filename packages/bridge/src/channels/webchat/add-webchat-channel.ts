import { randomBytes } from 'node:crypto';
import { BridgeError } from '../../errors.js';
import { findAccount, listAccounts } from '../../store/accounts/index.js';
import {
  type ChannelInstance,
  findChannelInstance,
  upsertChannelInstance,
} from '../../store/channel-instances/index.js';
import { type AccountRowId, asAmojoAccountId, asChannelInstanceKey } from '../../store/ids.js';
import { upsertSource } from '../../store/sources/index.js';
import type { Store } from '../../store/store.js';
import { parseWebchatSettings } from './webchat-settings.js';

/** Input of {@link addWebchatChannel}. */
export interface AddWebchatChannelInput {
  readonly name: string;
  /** Instance key (the `data-instance` of the script tag); random when omitted. Reusing a key updates it. */
  readonly key?: string;
  /** Instance settings (see `WebchatSettings`): allowed origins, form, upload and rate limits. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** amojo id of the account; when omitted, the only connected account (or none). */
  readonly accountId?: string;
  /** `source.external_id` of the amoCRM source this website is; default `webchat-<key>`. */
  readonly sourceExternalId?: string;
  /** Makes the source the account's default (chats amoCRM starts go there). */
  readonly isDefaultSource?: boolean;
}

/** What {@link addWebchatChannel} needs; a running `Bridge` satisfies it (`addWebchatChannel(bridge, ...)`). */
export interface AddWebchatChannelDeps {
  readonly store: Store;
  readonly config: { readonly channel: { readonly id: string }; readonly encryptionKey: Uint8Array };
  readonly now?: () => Date;
}

/** The instance created or updated. */
export interface AddedWebchatChannel {
  readonly instance: ChannelInstance;
  readonly sourceExternalId: string | null;
}

/**
 * Creates a `webchat` instance (one website, one amoCRM source) or updates the settings of an existing key. A new
 * instance gets a random secret, the key of its visitor tokens; an existing one keeps it, so visitors keep their
 * conversations across restarts.
 */
export async function addWebchatChannel(
  deps: AddWebchatChannelDeps,
  input: AddWebchatChannelInput,
): Promise<AddedWebchatChannel> {
  const parsed = parseWebchatSettings(input.settings ?? {});
  if (!parsed.ok) throw new BridgeError('webchat_settings_invalid', `Invalid webchat settings: ${parsed.message}`);
  const key = asChannelInstanceKey(input.key ?? `webchat_${randomBytes(9).toString('base64url')}`);
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(key)) {
    throw new BridgeError('webchat_key_invalid', 'A webchat key is 1-100 letters, digits, "_", "." or "-"');
  }
  let accountRowId: AccountRowId | null = null;
  if (input.accountId !== undefined) {
    const account = await findAccount(deps.store.db, {
      channelId: deps.config.channel.id,
      amojoAccountId: asAmojoAccountId(input.accountId),
    });
    if (!account)
      throw new BridgeError('account_unknown', `No account with amojo id ${input.accountId}: connect it first`);
    accountRowId = account.id;
  } else {
    const connected = await listAccounts(deps.store.db, { state: 'connected' });
    if (connected.length === 1) accountRowId = connected[0]?.id ?? null;
  }
  const existing = await findChannelInstance(deps.store.db, { key });
  if (existing && existing.kind !== 'webchat') {
    throw new BridgeError('webchat_key_taken', `The key ${key} belongs to a ${existing.kind} instance`);
  }
  const now = (deps.now?.() ?? new Date()).getTime();
  const instance = await upsertChannelInstance(deps.store.db, {
    key,
    kind: 'webchat',
    name: input.name,
    accountId: accountRowId,
    settings: input.settings ?? {},
    ...(existing?.hasSecret ? {} : { secret: randomBytes(32).toString('base64url') }),
    encryptionKey: deps.config.encryptionKey,
    enabled: true,
    now,
  });
  let sourceExternalId: string | null = null;
  if (accountRowId !== null) {
    sourceExternalId = input.sourceExternalId ?? `webchat-${key}`;
    const accountId = accountRowId;
    const externalId = sourceExternalId;
    await deps.store.transaction((trx) =>
      upsertSource(trx, {
        accountId,
        externalId,
        channelInstanceId: instance.rowId,
        name: input.name,
        ...(input.isDefaultSource ? { isDefault: true } : {}),
        now,
      }),
    );
  }
  return { instance, sourceExternalId };
}
