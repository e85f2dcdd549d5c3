import { defineChannelPlugin } from '../channel-plugin.js';
import { createHttpAdapter } from './http-channel.js';
import { httpSettingsSchema } from './http-settings.js';
import { registerHttpChannelRoutes } from './register-http-channel-routes.js';

/** The `http` channel: any system plugs in with two calls (POST customer events in, signed manager events out). */
export const httpChannelPlugin = defineChannelPlugin({
  kind: 'http',
  title: 'HTTP (your own system)',
  description:
    'Your system POSTs customer events to the bridge and receives manager events on a signed webhook of its own; ' +
    'both directions are signed with the instance secret (shown once at creation).',
  settings: httpSettingsSchema,
  secretSettings: [],
  instanceSecret: 'shown-once',
  // A path: the customer system posts to it on the bridge's public address.
  connectionInfo: (instance) => ({ eventsUrl: `/channels/http/${instance.id}/events` }),
  createAdapter: (instance, runtime) => createHttpAdapter(instance, runtime),
  routes: (app, runtime) => registerHttpChannelRoutes(app, runtime),
});
