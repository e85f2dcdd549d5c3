export type { AccountDeps, AmojoConnector } from './account-deps.js';
export {
  type AddedHttpChannel,
  type AddHttpChannelDeps,
  type AddHttpChannelInput,
  addHttpChannel,
} from './add-http-channel.js';
export { type ConnectAccountInput, connectAccount } from './connect-account.js';
export { type DisconnectAccountInput, disconnectAccount } from './disconnect-account.js';
