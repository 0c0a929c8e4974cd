// ServiceAccount tokens, as the TokenRequest API issues them: ES256 JWTs with
// kube's claims (iss, sub, aud, exp, iat, nbf, jti and "kubernetes.io" with
// the namespace and the ServiceAccount's name and uid). The signing key lives
// in DIR/pki/sa.key (mode 0600) next to the CA, or in memory without a dir.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID, sign, verify } from "node:crypto";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export type ServiceAccountRef = { namespace: string; name: string; uid: string };

export type TokenClaims = {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string } };
};

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export class ServiceAccountTokens {
  readonly issuer: string;
  /** The audiences the API server itself accepts. */
  readonly apiAudiences: string[];
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly kid: string;

  constructor(privateKeyPem: string, issuer = DEFAULT_ISSUER) {
    this.issuer = issuer;
    this.apiAudiences = [issuer];
    this.key = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.key);
    this.kid = b64url(createHash("sha256").update(this.publicKey.export({ type: "spki", format: "der" })).digest());
  }

  /** Loads DIR/pki/sa.key, generating it when missing; in memory without a dir. */
  static async load(dataDir: string | undefined): Promise<ServiceAccountTokens> {
    const path = dataDir ? join(dataDir, "pki", "sa.key") : undefined;
    if (path) {
      try {
        return new ServiceAccountTokens(await readFile(path, "utf8"));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    if (path) {
      await writeFile(path, pem, { mode: 0o600 });
      await chmod(path, 0o600);
    }
    return new ServiceAccountTokens(pem);
  }

  issue(sa: ServiceAccountRef, audiences: string[], expirationSeconds: number, nowMs = Date.now()): { token: string; claims: TokenClaims } {
    const iat = Math.floor(nowMs / 1000);
    const claims: TokenClaims = {
      aud: audiences,
      exp: iat + expirationSeconds,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      "kubernetes.io": { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
      nbf: iat,
      sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
    };
    const signing = `${b64url(JSON.stringify({ alg: "ES256", kid: this.kid }))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign("sha256", Buffer.from(signing), { key: this.key, dsaEncoding: "ieee-p1363" });
    return { token: `${signing}.${b64url(sig)}`, claims };
  }

  /**
   * The claims of a token this server signed, if its signature, issuer and
   * time window hold. Its audiences are the caller's to check
   * (tokenAudiences), against what the request asks for.
   */
  verify(token: string, nowMs = Date.now()): TokenClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    let header: any;
    let claims: any;
    try {
      header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
    if (header?.alg !== "ES256" || !claims || typeof claims !== "object") return undefined;
    const ok = verify(
      "sha256",
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: this.publicKey, dsaEncoding: "ieee-p1363" },
      Buffer.from(parts[2], "base64url"),
    );
    if (!ok || claims.iss !== this.issuer) return undefined;
    const now = Math.floor(nowMs / 1000);
    if (typeof claims.exp !== "number" || now >= claims.exp) return undefined;
    if (typeof claims.nbf === "number" && now < claims.nbf - 60) return undefined;
    const k = claims["kubernetes.io"];
    if (!k?.namespace || !k.serviceaccount?.name || !k.serviceaccount.uid) return undefined;
    return claims as TokenClaims;
  }

  /** A token's audiences; a token without any (legacy) has the API server's (pkg/serviceaccount/jwt.go). */
  tokenAudiences(claims: TokenClaims): string[] {
    const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
    return aud.length ? aud.map(String) : this.apiAudiences;
  }
}

/**
 * The audiences of `wanted` that `have` holds, in the order of `wanted`
 * (authenticator.Audiences.Intersect, staging/src/k8s.io/apiserver/pkg/
 * authentication/authenticator/audiences.go).
 */
export function intersectAudiences(have: string[], wanted: string[]): string[] {
  return wanted.filter((a) => have.includes(a));
}
