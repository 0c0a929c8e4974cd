// A lean HTTPS client for load generation: an undici Pool (keep-alive,
// pipelining 1) with the kubeconfig's CA and credentials, plus one dedicated
// connection per watch stream. @kubernetes/client-node is too slow to be the
// load generator; this one adds next to nothing per request.
import { StringDecoder } from "node:string_decoder";
import { Client, Pool } from "undici";
import type { ClusterAccess } from "./kubeconfig.ts";

export type Reply = { status: number; text: string };

/** An open watch: `done` settles when the stream ends (rejects on a failure before close). */
export type WatchStream = { done: Promise<void>; close(): Promise<void> };

export class HttpStatusError extends Error {
  readonly status: number;
  constructor(method: string, path: string, status: number, text: string) {
    super(`${method} ${path}: HTTP ${status}: ${text.slice(0, 300)}`);
    this.status = status;
  }
}

const RETRIES = 5;

export class KubeClient {
  readonly origin: string;
  /** Path prefix of the server URL (e.g. a proxy's /k8s/clusters/NAME), without a trailing slash. */
  readonly base: string;
  private readonly access: ClusterAccess;
  private readonly pool: Pool;
  private readonly headers: Record<string, string>;

  constructor(access: ClusterAccess, connections: number) {
    const url = new URL(access.server);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`unsupported server URL ${access.server}`);
    this.access = access;
    this.origin = url.origin;
    this.base = url.pathname.replace(/\/+$/, "");
    this.headers = { accept: "application/json" };
    if (access.token) this.headers.authorization = `Bearer ${access.token}`;
    this.pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      connect: this.tls(),
    });
  }

  private tls() {
    const a = this.access;
    return {
      ca: a.ca,
      cert: a.cert,
      key: a.key,
      servername: a.servername,
      rejectUnauthorized: !a.insecure,
    };
  }

  /**
   * One request; the body is read in full. Throws on anything but 2xx, after
   * retrying 429 (honouring a short Retry-After) a few times.
   */
  async request(method: string, path: string, body?: string, contentType = "application/json"): Promise<Reply> {
    const headers = body === undefined ? this.headers : { ...this.headers, "content-type": contentType };
    for (let attempt = 0; ; attempt++) {
      const res = await this.pool.request({ origin: this.origin, path: this.base + path, method: method as "GET", headers, body });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text };
      if (res.statusCode === 429 && attempt < RETRIES) {
        const after = Math.min(Number(res.headers["retry-after"] ?? 1) || 1, 2);
        await new Promise((r) => setTimeout(r, after * 1000));
        continue;
      }
      throw new HttpStatusError(method, path, res.statusCode, text);
    }
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body));
    return JSON.parse(r.text) as T;
  }

  /** GET that answers the status instead of throwing (for polling and deletes). */
  async status(method: string, path: string): Promise<number> {
    const res = await this.pool.request({ origin: this.origin, path: this.base + path, method: method as "GET", headers: this.headers });
    await res.body.dump();
    return res.statusCode;
  }

  /**
   * Opens a watch on its own connection. Resolves once the response headers
   * arrive (the server is then registered for events); `onChunk` sees each
   * body chunk with the time it arrived. Uses undici's dispatch handler
   * rather than a body stream, so the arrival time is taken straight from
   * the parser callback and a hundred streams add little client-side delay.
   */
  watch(path: string, signal: AbortSignal, onChunk: (chunk: string, at: number) => void): Promise<WatchStream> {
    const client = new Client(this.origin, { pipelining: 1, headersTimeout: 30_000, bodyTimeout: 0, connect: this.tls() });
    const decoder = new StringDecoder("utf8");
    let status = 0;
    let errorText = "";
    let settle!: (err?: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err && !signal.aborted ? reject(err) : resolve());
    });
    done.catch(() => {});
    return new Promise((resolve, reject) => {
      const stream: WatchStream = { done, close: () => client.destroy() };
      const opts = { origin: this.origin, path: this.base + path, method: "GET" as const, headers: this.headers };
      client.dispatch(opts, {
        onRequestStart(controller) {
          signal.addEventListener("abort", () => controller.abort(new Error("watch closed")), { once: true });
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
          if (status === 200) resolve(stream);
        },
        onResponseData(_controller, chunk) {
          const at = performance.now();
          if (status === 200) onChunk(decoder.write(chunk), at);
          else errorText += decoder.write(chunk);
        },
        onResponseEnd() {
          if (status !== 200) reject(new HttpStatusError("GET", path, status, errorText));
          settle();
        },
        onResponseError(_controller, err) {
          reject(err);
          settle(err);
        },
      });
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
