// The dashboard's only door to data: /admin/api with the operator's Bearer token. The token lives in sessionStorage
// (gone when the tab closes) and is only ever sent in the Authorization header, never in a URL.

const TOKEN_KEY = 'amojo-bridge.admin-token';

/** The saved token, if the operator signed in in this tab. */
export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps the token for this tab, or forgets it (`null`). */
export function saveToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token then lives only as long as the page
  }
}

/** An answer of the admin API that was not a success; `message` is the server's own explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Calls the admin API. */
export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** Creates the client; `onUnauthorized` runs when the server refuses the token (the page then asks again). */
export function createApi(token: string, onUnauthorized: () => void): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`/admin/api${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'The bridge did not answer: is it running?');
    }
    if (response.status === 401) {
      onUnauthorized();
      throw new ApiError(401, 'The token was refused.');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const error = (data ?? {}) as { message?: string; field?: string; error?: string };
      throw new ApiError(
        response.status,
        error.message ?? error.error ?? `HTTP ${response.status}`,
        typeof error.field === 'string' ? error.field : undefined,
      );
    }
    return data as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}

/** `?a=1&b=2` from the defined values of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (entries.length === 0) return '';
  return `?${entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`).join('&')}`;
}
