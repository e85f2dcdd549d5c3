import type { AccountDeps } from '../accounts/account-deps.js';
import type { AdminDeps } from '../admin/admin-deps.js';
import type { AmocrmDeps, RestClientDeps } from '../amocrm/amocrm-deps.js';
import type { AddHttpChannelDeps } from '../channels/http/add-http-channel.js';
import type { ManageInstancesDeps } from '../channels/manage-instances.js';
import type { AddWebchatChannelDeps } from '../channels/webchat/add-webchat-channel.js';
import type { HookIntakeDeps } from '../intake/index.js';
import type { LoadChannelInstanceDeps, OutboundRecoveryDeps, PipelineDeps } from '../pipelines/index.js';
import type { Bridge } from './create-bridge.js';
import type { RelayDeps } from './relay-deps.js';

/** `Deps`, when it has everything `Needs` asks for; otherwise `tsc -b` fails here, naming the missing member. */
type Serves<Needs, Deps extends Needs> = Deps;

/** Compile-time only: the bag `createBridge` assembles serves every entry point it is handed to. */
export type RelayDepsServeEntryPoints = [
  Serves<HookIntakeDeps, RelayDeps>,
  Serves<PipelineDeps, RelayDeps>,
  Serves<OutboundRecoveryDeps, RelayDeps>,
  Serves<AdminDeps, RelayDeps>,
  Serves<AmocrmDeps, RelayDeps>,
  Serves<ManageInstancesDeps, RelayDeps>,
];

/**
 * Compile-time only: a running `Bridge` can be passed as it is to what embedding code and the README call with it
 * (`connectAccount(bridge, ...)`, `addWebchatChannel(bridge, ...)`, `restClientForAccount(bridge, ...)`, ...).
 */
export type BridgeServesPublicHelpers = [
  Serves<AccountDeps, Bridge>,
  Serves<AddWebchatChannelDeps, Bridge>,
  Serves<AddHttpChannelDeps, Bridge>,
  Serves<ManageInstancesDeps, Bridge>,
  Serves<AmocrmDeps, Bridge>,
  Serves<RestClientDeps, Bridge>,
  Serves<LoadChannelInstanceDeps, Bridge>,
  Serves<OutboundRecoveryDeps, Bridge>,
];
