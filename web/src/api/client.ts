// HTTP to the REST API: the bearer token of the session, JSON in and out,
// every failure as an ApiError. A 401 (other than from login itself) ends the
// session, which sends the console back to the login page.
import { ApiError } from "./ApiError.ts";
import { session } from "./session.ts";

export const API_PREFIX = "/apis/kpanda.io/v1alpha1";

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

/** `path` under the API prefix with the query's defined values (arrays as repeated keys). */
export function apiURL(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const x of v) qs.append(k, x);
    else qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${API_PREFIX}${path}${s ? `?${s}` : ""}`;
}

/** `body` goes as JSON; `raw` as it is, with the content-type its `headers` give (YAML, a patch). */
export type RequestOptions = { body?: unknown; raw?: string; query?: Query; signal?: AbortSignal; headers?: Record<string, string> };

/**
 * How a request goes out: the browser's fetch, or, when kpanda serve renders
 * a first page itself (ssr/render.tsx), its own in-process answer.
 */
type Transport = (url: string, init: RequestInit) => Promise<Response>;
let send: Transport = (url, init) => fetch(url, init);

export function setTransport(t: Transport): void {
  send = t;
}

export function authHeaders(): Record<string, string> {
  const token = session.get()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A raw fetch of an API path with the session's token; throws ApiError unless 2xx. */
export async function apiFetch(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...authHeaders() };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  Object.assign(headers, opts.headers);
  let res: Response;
  try {
    res = await send(apiURL(path, opts.query), {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === "AbortError") throw e;
    throw ApiError.network(e);
  }
  if (res.ok) return res;
  const err = await ApiError.fromResponse(res);
  if (res.status === 401 && path !== "/login") session.clear();
  throw err;
}

/** A JSON call; 204 answers undefined. */
export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiFetch(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => api<T>("GET", path, { query, signal });
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, { body });
export const put = <T>(path: string, body?: unknown) => api<T>("PUT", path, { body });
export const del = <T>(path: string, query?: Query) => api<T>("DELETE", path, { query });
