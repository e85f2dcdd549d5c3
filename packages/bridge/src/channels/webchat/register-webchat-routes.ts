import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rawBody } from '../../http/raw-body.js';
import { errorReplyScope } from '../../http/register-error-reply.js';
import { originAllowed, originOf } from './check-origin.js';
import { renderWebchatDemoPage } from './demo-page.js';
import { handleWebchatSocket, WEBCHAT_MAX_FRAME_BYTES } from './handle-socket.js';
import { type AdmittedUpload, admitWebchatUpload, handleWebchatUpload, tooLargeMessage } from './handle-upload.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { isInlinePicture } from './sniff-mime.js';
import { readWebchatBundle, webchatAssetsDir } from './webchat-assets.js';
import type { WebchatHub } from './webchat-hub.js';
import {
  type LoadedWebchatInstance,
  loadWebchatInstance,
  type WebchatRuntime,
  type WebchatServerContext,
} from './webchat-server-context.js';
import { WEBCHAT_MAX_UPLOAD_BYTES } from './webchat-settings.js';
import { findWebchatUpload, readWebchatUploadData } from './webchat-store.js';

/** Options of {@link registerWebchatRoutes}. */
export interface RegisterWebchatRoutesOptions {
  readonly runtime: WebchatRuntime;
  /** The hub the webchat adapters publish to. */
  readonly hub: WebchatHub;
  /** Folder of the built `webchat.js`; defaults to `dist/webchat` of this package. */
  readonly assetsDir?: string;
  readonly limiter?: RateLimiter;
}

interface InstanceParams {
  Params: { instance: string };
}

/**
 * Registers the webchat routes on the bridge's server:
 * - `GET /webchat.js`: the widget;
 * - `GET /webchat/demo?instance=&lang=`: a demo shop page embedding it (first webchat instance by default);
 * - `GET /webchat/:instance/socket`: the visitor WebSocket (Origin checked on the upgrade);
 * - `POST /webchat/:instance/uploads` (+ CORS preflight): file uploads (Origin and token checked);
 * - `GET /webchat/files/:key/:name`: uploaded files by their unguessable key.
 *
 * `PUBLIC_URL` is required: it is the only source of the bridge's own origin and of the file URLs sent to amoCRM
 * (a `Host` header is whatever the client wrote). Without it every visitor route answers 503 and a warning is
 * logged at start.
 */
export async function registerWebchatRoutes(
  app: FastifyInstance,
  options: RegisterWebchatRoutesOptions,
): Promise<void> {
  const { runtime, hub } = options;
  const ctx: WebchatServerContext = { runtime, hub, limiter: options.limiter ?? createRateLimiter() };
  const assetsDir = options.assetsDir ?? webchatAssetsDir();
  const log = runtime.log.child({ component: 'webchat' });
  const publicUrl = runtime.publicUrl;
  if (!publicUrl) {
    log.warn(
      { event: 'webchat_public_url_missing' },
      'PUBLIC_URL is not set: webchat is off (its origin and file URLs are never taken from the Host header)',
    );
  }
  const ownOrigins = [originOf(publicUrl)].filter((o): o is string => Boolean(o));
  const publicBase = (): string => publicUrl ?? '';
  const allowed = (request: FastifyRequest, loaded: LoadedWebchatInstance): string | undefined => {
    const origin = request.headers.origin;
    return originAllowed({ origin, allowedOrigins: loaded.settings.allowedOrigins, ownOrigins }) ? origin : undefined;
  };
  const loadedOf = new WeakMap<
    FastifyRequest,
    { loaded: LoadedWebchatInstance; origin: string; upload?: AdmittedUpload }
  >();
  const noPublicUrl = (reply: FastifyReply) =>
    reply
      .code(503)
      .send({ error: 'public_url_required', message: 'webchat needs PUBLIC_URL set on the bridge (see its README)' });

  /** Loads the instance and checks the Origin; answers 404/403 itself and returns undefined then. */
  const admit = async (
    request: FastifyRequest<InstanceParams>,
    reply: FastifyReply,
  ): Promise<{ loaded: LoadedWebchatInstance; origin: string } | undefined> => {
    if (!publicUrl) {
      await noPublicUrl(reply);
      return undefined;
    }
    const loaded = await loadWebchatInstance(runtime, request.params.instance);
    if (!loaded) {
      await reply
        .code(404)
        .header('connection', 'close')
        .send({ error: 'unknown_instance', message: 'no such webchat' });
      return undefined;
    }
    const origin = allowed(request, loaded);
    if (!origin) {
      log.warn({ instanceId: loaded.instance.key, origin: request.headers.origin ?? null }, 'webchat origin refused');
      await reply
        .code(403)
        .header('connection', 'close')
        .send({ error: 'origin_not_allowed', message: 'this website is not allowed to use this chat' });
      return undefined;
    }
    const admitted = { loaded, origin };
    loadedOf.set(request, admitted);
    return admitted;
  };

  await app.register(async (scope) => {
    await scope.register(websocket, {
      options: { maxPayload: WEBCHAT_MAX_FRAME_BYTES },
      // ws fails a socket whose frame is over maxPayload (close 1009): anyone can do that, so it is a warning
      // without a stack; other socket errors (resets) are the client's too.
      errorHandler: (error: Error & { code?: string }, socket) => {
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          log.warn(
            { event: 'webchat_frame_too_large', limitBytes: WEBCHAT_MAX_FRAME_BYTES },
            'webchat frame too large: socket closed',
          );
        } else {
          log.warn({ event: 'webchat_socket_error', code: error.code, reason: error.message }, 'webchat socket error');
        }
        socket.terminate();
      },
    });
    // The body streams through a counter: the instance's limit (set on the request by the upload's onRequest
    // check) stops a chunked body too, and nothing past it is buffered.
    const uploadLimitOf = (request: FastifyRequest) =>
      loadedOf.get(request)?.loaded.settings.uploads.maxBytes ?? WEBCHAT_MAX_UPLOAD_BYTES;
    await scope.register(rawBody, { contentTypes: '*', bodyLimit: WEBCHAT_MAX_UPLOAD_BYTES, limitOf: uploadLimitOf });
    // The widget tries again on its own: a failure is 503 `unavailable`; a 413 names the instance's limit in KB.
    errorReplyScope(scope, {
      log,
      tooLarge: { limitOf: uploadLimitOf, message: tooLargeMessage, headers: { connection: 'close' } },
      failure: { status: 503, error: 'unavailable', message: 'try again', log: 'webchat request failed' },
    });

    scope.get('/webchat.js', async (_request, reply) => {
      const bundle = await readWebchatBundle(assetsDir);
      if (!bundle) {
        return reply
          .code(503)
          .type('text/javascript; charset=utf-8')
          .send(
            'console.error("amojo-bridge: the webchat widget is not built; run `npm run build` in packages/bridge");',
          );
      }
      return reply
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'cross-origin')
        .type('text/javascript; charset=utf-8')
        .send(bundle);
    });

    scope.get<{ Querystring: { instance?: string; lang?: string } }>('/webchat/demo', async (request, reply) => {
      let key = request.query.instance;
      if (!key) key = (await runtime.listInstances())[0]?.key;
      if (!publicUrl) return noPublicUrl(reply);
      const loaded = key ? await loadWebchatInstance(runtime, key) : undefined;
      if (!loaded) {
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send(
            'No webchat instance: create one (amojo-bridge channels add webchat --name <name>) and open ' +
              '/webchat/demo?instance=<key>.',
          );
      }
      return reply.type('text/html; charset=utf-8').send(
        renderWebchatDemoPage({
          scriptUrl: `${publicBase()}/webchat.js`,
          instanceKey: loaded.instance.key,
          lang: request.query.lang === 'ru' ? 'ru' : 'en',
        }),
      );
    });

    scope.get<InstanceParams>(
      '/webchat/:instance/socket',
      {
        websocket: true,
        // A refused upgrade is answered with a plain HTTP 403/404; returning the reply stops the route there.
        preValidation: async (request, reply) => {
          log.debug(
            { event: 'webchat_socket_upgrade', instanceId: request.params.instance, origin: request.headers.origin },
            'webchat socket upgrade',
          );
          if (!(await admit(request, reply))) return reply;
        },
      },
      (socket, request) => {
        const admitted = loadedOf.get(request);
        if (!admitted) return socket.close(1008, 'not admitted');
        handleWebchatSocket(ctx, { socket, loaded: admitted.loaded, ip: request.ip, publicBase: publicBase() });
      },
    );

    const cors = (reply: FastifyReply, origin: string) =>
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin');

    scope.options<InstanceParams>('/webchat/:instance/uploads', async (request, reply) => {
      const admitted = await admit(request, reply);
      if (!admitted) return reply;
      return cors(reply, admitted.origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'authorization, content-type, x-file-name')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });

    scope.post<InstanceParams>(
      '/webchat/:instance/uploads',
      {
        // Before the body is read: a wrong origin or a declared size over the instance's limit costs no upload.
        onRequest: async (request, reply) => {
          const admitted = await admit(request, reply);
          if (!admitted) return reply;
          cors(reply, admitted.origin);
          const upload = await admitWebchatUpload(ctx, admitted.loaded, request, reply);
          if (!upload) return reply;
          loadedOf.set(request, { ...admitted, upload });
        },
      },
      async (request, reply) => {
        const admitted = loadedOf.get(request);
        if (!admitted?.upload) return reply.code(403).send({ error: 'origin_not_allowed' });
        return handleWebchatUpload(ctx, admitted.loaded, admitted.upload, request, reply, publicBase());
      },
    );

    // The name is a wildcard, not a parameter: Fastify refuses parameters over 100 characters (414), and names
    // are accepted up to 200 characters (percent-encoded, several times that).
    scope.get<{ Params: { key: string } }>('/webchat/files/:key/*', async (request, reply) => {
      const { key } = request.params;
      const upload = /^[A-Za-z0-9_-]{43}$/.test(key)
        ? await findWebchatUpload(runtime.store.db, { fileKey: key })
        : undefined;
      const data = upload && (await readWebchatUploadData(runtime.store.db, key));
      if (!upload || !data) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
      const inline = isInlinePicture(upload.mimeType);
      return reply
        .header('content-type', upload.mimeType)
        .header('content-length', String(data.length))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(upload.fileName)}`,
        )
        .send(data);
    });
  });
}
