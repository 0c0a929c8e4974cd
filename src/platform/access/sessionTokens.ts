// Bearer tokens that kpanda signs itself: login sessions and the tokens in
// downloaded kubeconfigs. Any replica verifies them with the signing key
// kept in the host (a Secret, encrypted at rest), so no write per login and
// no lookup per request. Form: kp1.<base64url(payload)>.<base64url(hmac)>.
// They end at their expiry, or when their user is deleted or disabled (the
// caller checks the user). API tokens are different: random, stored hashed,
// listable and revocable (apiTokens.ts).
//
// Every kubectl call through the proxy carries a token, so a verified one is
// remembered: a bounded LRU keyed by the token's SHA-256 (the token itself
// is not kept) holds its claims, and a token found there is checked only for
// its expiry. Nothing else can revoke a signed token: the user check (deleted
// or disabled) is the caller's, on every request, so it takes effect at once.
import { createHmac, createSecretKey, hash, type KeyObject, randomBytes, timingSafeEqual } from "node:crypto";

export type SessionClaims = {
  /** The user's name. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** What the token is for: a console/API session, or a downloaded kubeconfig. */
  use: "session" | "kubeconfig";
  jti: string;
};

const PREFIX = "kp1.";
/** How many verified tokens are remembered (the least recently used go first). */
export const VERIFIED_CACHE_SIZE = 10_000;

export class SessionSigner {
  private readonly key: KeyObject;
  /** SHA-256 of a verified token → its claims, least recently used first. */
  private readonly verified = new Map<string, SessionClaims>();

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error("session signing key must be at least 32 bytes");
    this.key = createSecretKey(key);
  }

  sign(sub: string, use: SessionClaims["use"], ttlSeconds: number, now = Date.now()): { token: string; expiresAt: string } {
    const exp = Math.floor(now / 1000) + ttlSeconds;
    const claims: SessionClaims = { sub, exp, use, jti: randomBytes(9).toString("base64url") };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return { token: `${PREFIX}${payload}.${this.mac(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid, unexpired token; undefined otherwise. */
  verify(token: string, now = Date.now()): SessionClaims | undefined {
    if (!token.startsWith(PREFIX)) return undefined;
    const id = hash("sha256", token, "base64url");
    const known = this.verified.get(id);
    if (known) {
      this.verified.delete(id);
      if (!(known.exp * 1000 > now)) return undefined;
      this.verified.set(id, known);
      return known;
    }
    const claims = this.check(token, now);
    if (claims) {
      this.verified.set(id, claims);
      if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    }
    return claims;
  }

  /** How many verified tokens are remembered (tests). */
  get remembered(): number {
    return this.verified.size;
  }

  /** Whether this token is remembered as verified (tests). */
  remembers(token: string): boolean {
    return this.verified.has(hash("sha256", token, "base64url"));
  }

  private check(token: string, now: number): SessionClaims | undefined {
    const [payload, mac] = token.slice(PREFIX.length).split(".");
    if (!payload || !mac) return undefined;
    const want = Buffer.from(this.mac(payload));
    const got = Buffer.from(mac);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== "string" || !(claims.exp * 1000 > now)) return undefined;
    return Object.freeze(claims);
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
