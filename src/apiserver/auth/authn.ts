// Authentication, as kube-apiserver's union of authenticators, in its order:
// request headers from a trusted front proxy (requestHeader.ts), a client
// certificate signed by the server's client CA (CN is the user, O the
// groups), then a bearer token: static tokens (the token file and the
// `tokens` option) or a ServiceAccount token signed by this server, whose
// ServiceAccount (same uid) must still exist. Every authenticated user is in
// system:authenticated. Once a request is authenticated, its front-proxy
// headers are dropped (filters/authentication.go). A ServiceAccount token's
// success is remembered for 10 s, as kube's is (tokenCache.ts).
//
// Audiences. A token authenticates only for the audiences asked of it: a
// request to the API server asks for the server's own (its issuer), a
// TokenReview for its spec.audiences or else the server's. A ServiceAccount
// token answers when its `aud` meets them (pkg/serviceaccount/jwt.go); a
// static token is audience-agnostic, valid where the server's audiences
// meet them (authenticator.WrapAudienceAgnosticToken). Either way the
// answer carries the audiences in common, in the order asked.
import type { X509Certificate } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "../registry/context.ts";
import type { Storage } from "../storage/interface.ts";
import { isAuthProxyHeader, issuedBy, parseCertBundle, type RequestHeaderAuthenticator } from "./requestHeader.ts";
import { intersectAudiences, type ServiceAccountTokens } from "./serviceAccountTokens.ts";
import { TokenCache } from "./tokenCache.ts";
import { serviceAccountGroups, withAuthenticated } from "./types.ts";

export type AuthenticatorOptions = {
  /** Static bearer tokens (token file entries and the `tokens` option). */
  tokens: Map<string, UserInfo>;
  serviceAccounts: ServiceAccountTokens;
  storage: Storage;
  /**
   * PEM of the CA that signs client certificates (--client-ca-file). The
   * TLS listener may trust other CAs too (the front-proxy one); only
   * certificates this CA issued name a user.
   */
  clientCA?: string;
  /** Request-header authentication (--requestheader-*); off without it. */
  requestHeader?: RequestHeaderAuthenticator;
  /** How long a ServiceAccount token's success is remembered (kube's TokenSuccessCacheTTL, 10 s); 0 turns it off. */
  tokenSuccessCacheTTLMs?: number;
};

/** A bearer token's user and the audiences it was valid for, or why it is not valid. */
export type TokenAuthentication = { user: UserInfo; audiences: string[] } | { error: string };

/** kube's bearer-token error when no token authenticator accepts it (bearertoken.go). */
const INVALID_TOKEN = "invalid bearer token";

/** Go's %q of a []string: `["a" "b"]`. */
function goQuoted(list: string[]): string {
  return `[${list.map((a) => JSON.stringify(a)).join(" ")}]`;
}

/**
 * The client certificate's user, once per connection: getPeerCertificate()
 * decodes the certificate into a fresh object on every call, which cost
 * about 15% of the server's time under a create load with keep-alive.
 */
const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function certUser(sock: TLSSocket, clientCAs: X509Certificate[] | undefined): UserInfo | null {
  let user = certUsers.get(sock);
  if (user !== undefined) return user;
  user = null;
  if (sock.authorized && (!clientCAs || issuedByPeer(sock, clientCAs))) {
    const cert = sock.getPeerCertificate();
    if (cert?.subject) {
      const o = cert.subject.O;
      const groups = Array.isArray(o) ? o : o ? [o] : [];
      user = withAuthenticated({ name: String(cert.subject.CN ?? ""), groups });
    }
  }
  certUsers.set(sock, user);
  return user;
}

function issuedByPeer(sock: TLSSocket, cas: X509Certificate[]): boolean {
  const cert = sock.getPeerX509Certificate();
  return cert !== undefined && issuedBy(cert, cas);
}

/** Drops the front-proxy headers of an authenticated request, so nothing downstream reads them. */
function clearAuthProxyHeaders(req: IncomingMessage): void {
  for (const k of Object.keys(req.headers)) if (isAuthProxyHeader(k)) delete req.headers[k];
}

export class Authenticator {
  private readonly tokens: Map<string, UserInfo>;
  private readonly sa: ServiceAccountTokens;
  private readonly storage: Storage;
  private readonly clientCAs?: X509Certificate[];
  private readonly requestHeader?: RequestHeaderAuthenticator;
  private readonly cache: TokenCache<{ user: UserInfo; audiences: string[] }>;

  constructor(opts: AuthenticatorOptions) {
    this.cache = new TokenCache(opts.tokenSuccessCacheTTLMs);
    this.tokens = new Map([...opts.tokens].map(([t, u]) => [t, withAuthenticated(u)]));
    this.sa = opts.serviceAccounts;
    this.storage = opts.storage;
    this.clientCAs = opts.clientCA ? parseCertBundle(opts.clientCA) : undefined;
    this.requestHeader = opts.requestHeader;
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const user = this.authenticateOnce(req);
    if (user && this.requestHeader) clearAuthProxyHeaders(req);
    return user;
  }

  private authenticateOnce(req: IncomingMessage): UserInfo | undefined {
    const proxied = this.requestHeader?.authenticate(req);
    if (proxied) return withAuthenticated(proxied);
    const fromCert = certUser(req.socket as TLSSocket, this.clientCAs);
    if (fromCert) return copy(fromCert);
    const auth = req.headers.authorization;
    if (auth && /^bearer /i.test(auth)) {
      const token = auth.slice(7).trim();
      if (token) {
        const found = this.authenticateToken(token);
        return "user" in found ? found.user : undefined;
      }
    }
    return undefined;
  }

  /** The audiences the API server itself answers to (--api-audiences, defaulting to the issuer). */
  get apiAudiences(): string[] {
    return this.sa.apiAudiences;
  }

  /** A bearer token's user for the `audiences` asked (the API server's by default); also what TokenReview answers. */
  authenticateToken(token: string, audiences: string[] = this.sa.apiAudiences): TokenAuthentication {
    const user = this.tokens.get(token);
    if (user) {
      const common = intersectAudiences(this.sa.apiAudiences, audiences);
      return common.length ? { user: copy(user), audiences: common } : { error: INVALID_TOKEN };
    }
    const key = TokenCache.key(token, audiences);
    const cached = this.cache.get(key);
    if (cached) return { user: copy(cached.user), audiences: [...cached.audiences] };
    const found = this.serviceAccountUser(token, audiences);
    if (!("user" in found)) return found;
    this.cache.set(key, { user: copy(found.user), audiences: [...found.audiences] }, found.expiresAtMs);
    return { user: found.user, audiences: found.audiences };
  }

  private serviceAccountUser(token: string, audiences: string[]): { user: UserInfo; audiences: string[]; expiresAtMs: number } | { error: string } {
    const claims = this.sa.verify(token);
    if (!claims) return { error: INVALID_TOKEN };
    const tokenAudiences = this.sa.tokenAudiences(claims);
    const common = intersectAudiences(tokenAudiences, audiences);
    if (!common.length) {
      // As a real v1.20.2 kube-apiserver words it in a TokenReview's status.error.
      return { error: `[${INVALID_TOKEN}, token audiences ${goQuoted(tokenAudiences)} is invalid for the target audiences ${goQuoted(audiences)}]` };
    }
    const { namespace, serviceaccount } = claims["kubernetes.io"];
    const stored = this.storage.get(`/core/serviceaccounts/${namespace}/${serviceaccount.name}`);
    if (!stored) return { error: INVALID_TOKEN };
    const sa = JSON.parse(stored.value);
    if (sa.metadata?.uid !== serviceaccount.uid || sa.metadata?.deletionTimestamp) return { error: INVALID_TOKEN };
    const user = withAuthenticated({
      name: `system:serviceaccount:${namespace}:${serviceaccount.name}`,
      uid: serviceaccount.uid,
      groups: serviceAccountGroups(namespace),
      extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
    });
    return { user, audiences: common, expiresAtMs: claims.exp * 1000 };
  }
}

function copy(u: UserInfo): UserInfo {
  const c: UserInfo = { ...u, groups: [...u.groups] };
  if (u.extra) c.extra = Object.fromEntries(Object.entries(u.extra).map(([k, v]) => [k, [...v]]));
  return c;
}
