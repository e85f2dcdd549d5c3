import { defineChannelPlugin } from '../channel-plugin.js';
import { createPostgresWebchatHub } from './postgres-webchat-hub.js';
import { registerWebchatRoutes } from './register-webchat-routes.js';
import { createWebchatAdapter } from './webchat-channel.js';
import { createWebchatHub, type WebchatHub } from './webchat-hub.js';
import type { WebchatRuntime } from './webchat-server-context.js';
import { webchatSettingsSchema } from './webchat-settings.js';

// One hub per bridge: the adapters push to the visitor sockets the routes hold. On PostgreSQL it also reaches
// sockets held by other bridge processes (LISTEN/NOTIFY); it is released when the bridge stops.
const hubs = new WeakMap<WebchatRuntime, WebchatHub>();

/** The socket hub of one bridge, created on first use. */
export function webchatHubOf(runtime: WebchatRuntime): WebchatHub {
  let hub = hubs.get(runtime);
  if (!hub) {
    const created =
      runtime.store.dialect === 'postgres'
        ? createPostgresWebchatHub({
            db: runtime.store.db,
            connectionString: runtime.databaseUrl,
            log: runtime.log.child({ component: 'webchat' }),
          })
        : createWebchatHub();
    runtime.onClose(async () => {
      await created.close?.();
    });
    hubs.set(runtime, created);
    hub = created;
  }
  return hub;
}

const escapeAttribute = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The one script tag a website embeds for an instance. */
export function webchatSnippet(bridgeUrl: string, instanceKey: string): string {
  return `<script src="${escapeAttribute(`${bridgeUrl}/webchat.js`)}" data-instance="${escapeAttribute(instanceKey)}" async></script>`;
}

/** The `webchat` channel: an embeddable website chat whose visitor UI talks to the bridge over a WebSocket. */
export const webchatChannelPlugin = defineChannelPlugin({
  kind: 'webchat',
  title: 'Website chat',
  description:
    'A chat widget for your website: one script tag; visitors write from the page, managers answer from amoCRM. ' +
    'List the websites allowed to embed it in origins.',
  settings: webchatSettingsSchema,
  secretSettings: [],
  // The key of the instance's visitor tokens: generated, never shown.
  instanceSecret: 'internal',
  connectionInfo: (instance, context) => ({ snippet: webchatSnippet(context.bridgeUrl, instance.key) }),
  createAdapter: (instance, runtime) =>
    createWebchatAdapter(instance, { hub: webchatHubOf(runtime), store: runtime.store, now: runtime.now }),
  routes: (app, runtime) => registerWebchatRoutes(app, { runtime, hub: webchatHubOf(runtime) }),
});
