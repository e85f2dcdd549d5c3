export { backoffDelayMs, type RetryPolicy, resolveRetryPolicy } from './backoff.js';
export type { ClientOptions, Fetch, Logger, RetryOptions } from './client-options.js';
export {
  createNodeTransport,
  type NodeTransport,
  type NodeTransportOptions,
  sharedNodeTransport,
} from './node-transport.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  ResponseTooLargeError,
  readResponseBytes,
  readResponseText,
} from './read-bounded-body.js';
export type {
  RequestHookInfo,
  RequestHooks,
  ResponseHookInfo,
} from './request-hooks.js';
export { type HttpContext, type HttpRequest, type HttpResponse, sendRequest } from './send-request.js';
export {
  fetchTransport,
  type HttpTransport,
  type ResponseHeaders,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export { transportOf } from './transport-of.js';
