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
  // Absolute with PUBLIC_URL, the address the customer system must call; a path without it (the bridge cannot know
  // its public address, and a listen address would mislead a system outside this machine).
  connectionInfo: (instance, context) => ({
    eventsUrl: `${context.publicUrl ?? ''}/channels/http/${instance.key}/events`,
  }),
  createAdapter: (instance, runtime) => createHttpAdapter(instance, runtime),
  routes: (app, runtime) => registerHttpChannelRoutes(app, runtime),
});
