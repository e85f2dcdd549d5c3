export { backoffDelayMs, type RetryPolicy, resolveRetryPolicy } from './backoff.js';
export type { ClientOptions, Fetch, Logger, RetryOptions } from './client-options.js';
export { type HttpContext, type HttpRequest, type HttpResponse, sendRequest } from './send-request.js';
