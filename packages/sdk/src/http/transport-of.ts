import type { ClientOptions } from './client-options.js';
import { sharedNodeTransport } from './node-transport.js';
import { fetchTransport, type HttpTransport } from './transport.js';

/** The transport a client's options ask for: an injected `fetch`, else `transport`, else the shared node one. */
export function transportOf(options: Pick<ClientOptions, 'fetch' | 'transport'>): HttpTransport {
  if (options.fetch) return fetchTransport(options.fetch);
  return options.transport ?? sharedNodeTransport();
}
