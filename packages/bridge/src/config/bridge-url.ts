import type { HttpConfig } from './bridge-config.js';

/**
 * The base of URLs shown to people (the webchat script tag, the http events URL): `PUBLIC_URL`, else the address
 * the bridge listens on, a wildcard host shown as 127.0.0.1.
 */
export function bridgeUrlOf(http: Pick<HttpConfig, 'host' | 'port' | 'publicUrl'>): string {
  if (http.publicUrl) return http.publicUrl.replace(/\/+$/, '');
  const host = ['0.0.0.0', '::', ''].includes(http.host) ? '127.0.0.1' : http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${http.port}`;
}
