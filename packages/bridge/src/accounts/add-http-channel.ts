// Kept where callers found it; the http channel owns it.
export {
  type AddedHttpChannel,
  type AddHttpChannelDeps,
  type AddHttpChannelInput,
  addHttpChannel,
} from '../channels/http/add-http-channel.js';
