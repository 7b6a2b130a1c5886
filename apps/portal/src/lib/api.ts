// The portal's only way to the platform: same-origin requests to /api/v1/… (src/app/api proxies them
// to the API), so the API's httpOnly session cookie rides along and the CSRF token is sent on unsafe
// methods, as the API expects of a browser.

/** A refused or failed request: the API's machine code (or NETWORK / HTTP_<status>) and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as X-CSRF-Token on unsafe methods. */
  csrfToken?: string | null;
  signal?: AbortSignal;
}

export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && request.csrfToken) headers['x-csrf-token'] = request.csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : 'Network error');
  }
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = null;
  }
  if (!response.ok) {
    const failure = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    throw new ApiError(
      response.status,
      typeof failure.code === 'string' ? failure.code : `HTTP_${response.status}`,
      typeof failure.message === 'string' ? failure.message : response.statusText,
      failure.details,
    );
  }
  return body as T;
}
