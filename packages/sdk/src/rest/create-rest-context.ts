import { errorFromResponse } from '../errors/error-from-response.js';
import { resolveRetryPolicy } from '../http/backoff.js';
import { maxResponseBytesOf } from '../http/read-bounded-body.js';
import { hooksOf, type RequestHooks } from '../http/request-hooks.js';
import type { HttpTransport } from '../http/transport.js';
import { transportOf } from '../http/transport-of.js';
import type { AmocrmClientOptions } from './amocrm-client-options.js';
import { sharedRateLimiter } from './rate-limiter.js';
import { redact, redactingLogger } from './redact.js';
import type { RestContext } from './rest-context.js';

// A REST error_type is a server's problem title, which could echo what it was sent: scrubbed like log lines.
function redactingHooks(hooks: RequestHooks, secrets: () => readonly string[]): RequestHooks {
  const onResponse = hooks.onResponse;
  if (!onResponse) return hooks;
  return {
    ...hooks,
    onResponse: (info) => {
      const errorType = info.error?.errorType;
      if (errorType === undefined || !info.error) return onResponse(info);
      return onResponse({ ...info, error: { ...info.error, errorType: redact(errorType, secrets()) } });
    },
  };
}

/**
 * Builds what one {@link AmocrmClient} shares with its helpers: the account's limiter, a fetch that pauses that
 * limiter on 429, and a logger that scrubs `knownSecrets()` (the client secret and recent tokens) from every line.
 */
export function createRestContext(options: AmocrmClientOptions, knownSecrets: () => readonly string[]): RestContext {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const limiter =
    options.rateLimiter ?? sharedRateLimiter(baseUrl, options.accountKey, options.rateLimitPerSecond ?? 7);
  const userTransport = transportOf(options);
  // Every attempt's answer passes here, so a 429 pauses the whole account, not only the refused call's retry.
  const limitedTransport: HttpTransport = async (request) => {
    const response = await userTransport(request);
    if (response.status === 429) {
      const error = errorFromResponse({
        status: 429,
        retryAfter: response.headers.get('retry-after'),
        bodyText: response.bodyText,
      });
      limiter.pause(error.retryAfterMs ?? 1000);
    }
    return response;
  };
  const clientSecret = options.clientSecret;
  const secrets = () => [clientSecret, ...knownSecrets()];
  return {
    baseUrl,
    limiter,
    secrets: () => [clientSecret],
    http: {
      transport: limitedTransport,
      timeoutMs: options.timeoutMs ?? 15_000,
      retry: resolveRetryPolicy(options.retry),
      log: redactingLogger(options.log ?? {}, secrets),
      now: options.now ?? (() => new Date()),
      hooks: redactingHooks(hooksOf(options), secrets),
      ...maxResponseBytesOf(options),
    },
  };
}
