// kpanda-signed tokens: a verified token is remembered (by its hash, in a
// bounded LRU), yet still ends at its expiry; a forged or altered one is
// never remembered.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { SessionSigner, VERIFIED_CACHE_SIZE } from "./sessionTokens.ts";

describe("SessionSigner", () => {
  it("verifies a token once and answers it from memory after, until it expires", () => {
    const s = new SessionSigner(randomBytes(32));
    const now = Date.now();
    const { token } = s.sign("ann", "kubeconfig", 60, now);
    assert.equal(s.verify(token, now)?.sub, "ann");
    assert.equal(s.remembered, 1);
    assert.equal(s.verify(token, now + 1000)?.use, "kubeconfig");
    assert.equal(s.remembered, 1);
    // Remembered or not, a token ends at its exp (seconds since the epoch).
    assert.equal(s.verify(token, now + 61_000), undefined);
    assert.equal(s.remembered, 0);
  });

  it("remembers nothing of a token whose signature or payload is wrong", () => {
    const s = new SessionSigner(randomBytes(32));
    const other = new SessionSigner(randomBytes(32));
    const { token } = other.sign("ann", "session", 60);
    assert.equal(s.verify(token), undefined);
    const [payload, mac] = s.sign("bob", "session", 60).token.slice(4).split(".");
    const altered = `kp1.${Buffer.from(JSON.stringify({ sub: "admin", exp: 9e9, use: "session", jti: "x" })).toString("base64url")}.${mac}`;
    assert.equal(s.verify(altered), undefined);
    assert.equal(s.verify(`kp1.${payload}.${mac.slice(1)}`), undefined);
    assert.equal(s.remembered, 0);
  });

  it("keeps at most VERIFIED_CACHE_SIZE tokens, dropping the least recently used", () => {
    const s = new SessionSigner(randomBytes(32));
    const first = s.sign("u0", "session", 600).token;
    s.verify(first);
    const second = s.sign("u1", "session", 600).token;
    s.verify(second);
    for (let i = 2; i < VERIFIED_CACHE_SIZE; i++) s.verify(s.sign(`u${i}`, "session", 600).token);
    assert.equal(s.remembered, VERIFIED_CACHE_SIZE);
    s.verify(first); // used again: now the most recent
    s.verify(s.sign("one-more", "session", 600).token);
    assert.equal(s.remembered, VERIFIED_CACHE_SIZE);
    // `second` was the least recently used and went; it still verifies (from its signature) when seen again.
    assert.ok(s.remembers(first));
    assert.ok(!s.remembers(second));
    assert.equal(s.verify(second)?.sub, "u1");
  });
});
