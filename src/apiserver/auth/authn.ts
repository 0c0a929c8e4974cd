// Authentication, as kube-apiserver's union of authenticators: a client
// certificate signed by the server's CA (CN is the user, O the groups), then
// a bearer token: static tokens (the token file and the `tokens` option) or a
// ServiceAccount token signed by this server, whose ServiceAccount (same uid)
// must still exist. Every authenticated user is in system:authenticated.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "../registry/context.ts";
import type { Storage } from "../storage/interface.ts";
import type { ServiceAccountTokens } from "./serviceAccountTokens.ts";
import { serviceAccountGroups, withAuthenticated } from "./types.ts";

export type AuthenticatorOptions = {
  /** Static bearer tokens (token file entries and the `tokens` option). */
  tokens: Map<string, UserInfo>;
  serviceAccounts: ServiceAccountTokens;
  storage: Storage;
};

/**
 * The client certificate's user, once per connection: getPeerCertificate()
 * decodes the certificate into a fresh object on every call, which cost
 * about 15% of the server's time under a create load with keep-alive.
 */
const certUsers = new WeakMap<TLSSocket, UserInfo | null>();

function certUser(sock: TLSSocket): UserInfo | null {
  let user = certUsers.get(sock);
  if (user !== undefined) return user;
  user = null;
  if (sock.authorized) {
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

export class Authenticator {
  private readonly tokens: Map<string, UserInfo>;
  private readonly sa: ServiceAccountTokens;
  private readonly storage: Storage;

  constructor(opts: AuthenticatorOptions) {
    this.tokens = new Map([...opts.tokens].map(([t, u]) => [t, withAuthenticated(u)]));
    this.sa = opts.serviceAccounts;
    this.storage = opts.storage;
  }

  authenticate(req: IncomingMessage): UserInfo | undefined {
    const fromCert = certUser(req.socket as TLSSocket);
    if (fromCert) return copy(fromCert);
    const auth = req.headers.authorization;
    if (auth && /^bearer /i.test(auth)) {
      const token = auth.slice(7).trim();
      if (token) return this.authenticateToken(token);
    }
    return undefined;
  }

  /** A bearer token's user (also what TokenReview answers). */
  authenticateToken(token: string): UserInfo | undefined {
    const user = this.tokens.get(token);
    if (user) return copy(user);
    return this.serviceAccountUser(token);
  }

  private serviceAccountUser(token: string): UserInfo | undefined {
    const claims = this.sa.verify(token);
    if (!claims) return undefined;
    const { namespace, serviceaccount } = claims["kubernetes.io"];
    const stored = this.storage.get(`/core/serviceaccounts/${namespace}/${serviceaccount.name}`);
    if (!stored) return undefined;
    const sa = JSON.parse(stored.value);
    if (sa.metadata?.uid !== serviceaccount.uid || sa.metadata?.deletionTimestamp) return undefined;
    return withAuthenticated({
      name: `system:serviceaccount:${namespace}:${serviceaccount.name}`,
      uid: serviceaccount.uid,
      groups: serviceAccountGroups(namespace),
      extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
    });
  }
}

function copy(u: UserInfo): UserInfo {
  return { ...u, groups: [...u.groups] };
}
