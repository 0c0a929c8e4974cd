// Successful bearer-token authentications are remembered for a while, as
// kube-apiserver's cached token authenticator does in front of its token
// authenticators (pkg/kubeapiserver/authenticator/config.go wraps their union
// in k8s.io/apiserver/pkg/authentication/token/cache with
// TokenSuccessCacheTTL 10 s and TokenFailureCacheTTL 0): a ServiceAccount
// token is verified (an ES256 signature and a storage read) once per 10 s,
// not on every request. So, as on a real server, a deleted ServiceAccount's
// token still works for up to 10 s. Failures are not cached. The key is a
// hash of the token and the audiences asked, so tokens are not kept as keys
// (kube's keyFunc). Unlike kube, an entry never outlives the token's `exp`.
import { hash } from "node:crypto";

type Entry<T> = { value: T; until: number };

export const TOKEN_SUCCESS_TTL_MS = 10_000;
/** kube's cache holds 32k entries ("5k nodes and 10k namespaces, a 2x margin"). */
const MAX_ENTRIES = 32_768;

export class TokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ttlMs: number;

  constructor(ttlMs = TOKEN_SUCCESS_TTL_MS) {
    this.ttlMs = ttlMs;
  }

  static key(token: string, audiences: string[]): string {
    // Length-prefixed, so "ab"+"c" and "a"+"bc" differ.
    return hash("sha256", [token, ...audiences].map((s) => `${s.length}:${s}`).join(""), "base64");
  }

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now < e.until) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers a success until the TTL ends or `expiresAtMs` (the token's exp), whichever is first. */
  set(key: string, value: T, expiresAtMs = Infinity, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    const until = Math.min(now + this.ttlMs, expiresAtMs);
    if (until <= now) return;
    if (this.entries.size >= MAX_ENTRIES) this.evict(now);
    this.entries.set(key, { value, until });
  }

  /** Drops expired entries, then the oldest ones while still full (a Map iterates in insertion order). */
  private evict(now: number): void {
    for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(k);
    }
  }
}
