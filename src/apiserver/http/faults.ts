// Injected HTTP faults for simulated clusters: added latency, and a share of
// requests answered 500 InternalError or 429 TooManyRequests. Off by
// default; the handler checks one boolean per request while off.
import type { ServerResponse } from "node:http";
import { ApiError, internalError } from "../registry/errors.ts";
import { sendError } from "./respond.ts";

export class HttpFaults {
  /** Added before every request is served. */
  latencyMs = 0;
  /** Share of requests (0..1) answered with errorCode. */
  errorRate = 0;
  errorCode: 500 | 429 = 500;
  /** Random source, replaceable for deterministic tests. */
  random: () => number = Math.random;

  get active(): boolean {
    return this.latencyMs > 0 || this.errorRate > 0;
  }

  clear(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.errorCode = 500;
  }

  /** Waits the latency, then maybe answers an error; true when it answered. */
  async apply(res: ServerResponse): Promise<boolean> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.errorRate <= 0 || this.random() >= this.errorRate) return false;
    if (this.errorCode === 429) {
      res.setHeader("Retry-After", "1");
      sendError(res, new ApiError(429, "TooManyRequests", "Too many requests, please try again later.", { retryAfterSeconds: 1 }));
    } else {
      sendError(res, internalError("injected fault"));
    }
    return true;
  }
}
