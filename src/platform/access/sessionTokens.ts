// Bearer tokens that kpanda signs itself: login sessions and the tokens in
// downloaded kubeconfigs. Any replica verifies them with the signing key
// kept in the host (a Secret, encrypted at rest), so no write per login and
// no lookup per request. Form: kp1.<base64url(payload)>.<base64url(hmac)>.
// They end at their expiry, or when their user is deleted or disabled (the
// caller checks the user). API tokens are different: random, stored hashed,
// listable and revocable (apiTokens.ts).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

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

export class SessionSigner {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error("session signing key must be at least 32 bytes");
    this.key = key;
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
    return claims;
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}
