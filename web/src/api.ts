// The REST API client (docs/api.md). Every call sends the key as X-Api-Key; every failure becomes
// an ApiError carrying the server's {"error": {"code", "message"}} and, for 429, Retry-After.

import { readSse, type SseEvent } from './sse';
import type { ApiErrorBody } from './types';

const BASE = 'api/v1';
const KEY_STORAGE = 'dataanalyst.key';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }

  // What the page shows: plain words, with the wait for a rate limit.
  describe(): string {
    if (this.status === 429) {
      const wait = this.retryAfter ? ` Try again in ${this.retryAfter} s.` : '';
      return `Too many requests (rate limited).${wait}`;
    }
    return this.message;
  }
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}

// The key: from the URL fragment `#key=...` (then removed from the address bar), else sessionStorage.
export function takeKeyFromUrl(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const key = params.get('key');
  if (key === null) return;
  params.delete('key');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  if (key) setKey(key);
}

export function getKey(): string {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setKey(key: string): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = getKey();
  return key ? { 'X-Api-Key': key, ...extra } : { ...extra };
}

// An ApiError from a non-2xx response, whatever its body.
async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  return errorFromText(res.status, text, res.headers.get('Retry-After'));
}

export function errorFromText(status: number, text: string, retryAfter: string | null): ApiError {
  try {
    const body = JSON.parse(text) as ApiErrorBody;
    if (body?.error?.message) return new ApiError(status, body.error.code, body.error.message, retryAfter);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(status, 'http_' + status, `The server answered ${status}${text ? ': ' + text.slice(0, 200) : ''}`, retryAfter);
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method, headers: headers(), signal };
  if (body !== undefined) {
    init.headers = headers({ 'Content-Type': 'application/json' });
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${BASE}/${path}`, init);
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

// A streamed request: yields the server-sent events. When the server answers plain JSON instead
// (no streaming), that body is yielded as one `done` event.
export async function* stream(method: string, path: string, body?: unknown, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const extra: Record<string, string> = { Accept: 'text/event-stream' };
  if (body !== undefined) extra['Content-Type'] = 'application/json';
  const res = await fetch(`${BASE}/${path}`, {
    method,
    headers: headers(extra),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!res.ok) throw await errorFrom(res);
  const type = res.headers.get('Content-Type') ?? '';
  if (!type.includes('text/event-stream') || !res.body) {
    yield { event: 'done', data: await res.text() };
    return;
  }
  yield* readSse(res.body);
}

// A multipart upload through XHR, for its upload progress events (fetch has none).
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${BASE}/${path}`);
    for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as T);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', 'The server answered something that is not JSON.'));
        }
      } else {
        reject(errorFromText(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed: the server could not be reached.'));
    xhr.send(form);
  });
}
