// Request-header authentication: a front proxy (an authenticating proxy, or
// the API server calling an aggregated server) names the user in headers, and
// those headers are trusted only on a connection whose client certificate is
// signed by the request-header CA and carries an allowed common name. This is
// kube's --requestheader-client-ca-file, --requestheader-allowed-names,
// --requestheader-username-headers, -uid-headers, -group-headers and
// -extra-headers-prefix (k8s.io/apiserver/pkg/authentication/request/
// headerrequest/requestheader.go, wrapped by request/x509's Verifier). Any
// other client's X-Remote-* headers are ignored, and every request's are
// dropped once it is authenticated (filters/authentication.go).
import { X509Certificate } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "../registry/context.ts";

export type RequestHeaderConfig = {
  /** PEM of the CA(s) that sign front-proxy client certificates. */
  clientCA: string;
  /** Common names a front proxy's certificate may carry; empty allows any the CA signed. */
  allowedNames: string[];
  usernameHeaders: string[];
  uidHeaders?: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
};

/** The header names kubeadm configures and the aggregator sends (client-go transport.SetAuthProxyHeaders). */
export const STANDARD_HEADERS = {
  usernameHeaders: ["X-Remote-User"],
  uidHeaders: ["X-Remote-Uid"],
  groupHeaders: ["X-Remote-Group"],
  extraHeaderPrefixes: ["X-Remote-Extra-"],
};

/** The common name of kubeadm's front-proxy client certificate. */
export const FRONT_PROXY_CLIENT = "front-proxy-client";

/** The certificates of a PEM bundle. */
export function parseCertBundle(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c));
}

/** Whether a peer certificate was issued and signed by one of the CAs. */
export function issuedBy(cert: X509Certificate, cas: X509Certificate[]): boolean {
  return cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
}

export class RequestHeaderAuthenticator {
  private readonly cas: X509Certificate[];
  private readonly allowed: Set<string>;
  private readonly names: string[];
  private readonly uids: string[];
  private readonly groups: string[];
  private readonly extras: string[];
  /** Per connection: does its certificate make it a trusted front proxy? Decided once. */
  private readonly trusted = new WeakMap<TLSSocket, boolean>();

  constructor(cfg: RequestHeaderConfig) {
    this.cas = parseCertBundle(cfg.clientCA);
    this.allowed = new Set(cfg.allowedNames);
    const lower = (hs: string[] | undefined) => (hs ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
    this.names = lower(cfg.usernameHeaders);
    this.uids = lower(cfg.uidHeaders);
    this.groups = lower(cfg.groupHeaders);
    this.extras = lower(cfg.extraHeaderPrefixes);
  }

  /** Whether the connection's client certificate is a front proxy's: signed by the CA, with an allowed common name. */
  trusts(sock: TLSSocket): boolean {
    let ok = this.trusted.get(sock);
    if (ok !== undefined) return ok;
    ok = false;
    const cert = sock.authorized ? sock.getPeerX509Certificate?.() : undefined;
    if (cert && issuedBy(cert, this.cas)) {
      const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
      ok = this.allowed.size === 0 || this.allowed.has(cn);
    }
    this.trusted.set(sock, ok);
    return ok;
  }

  /**
   * The user a trusted front proxy names, or undefined: the connection is not
   * a front proxy's, or no username header is set (then the other
   * authenticators decide, as kube's union does).
   */
  authenticate(req: IncomingMessage): UserInfo | undefined {
    if (!req.socket || !("encrypted" in req.socket) || !this.trusts(req.socket as TLSSocket)) return undefined;
    const h = req.headersDistinct;
    const name = this.names.map((n) => h[n]?.find((v) => v !== "")).find((v) => v !== undefined);
    if (!name) return undefined;
    const user: UserInfo = { name, groups: this.groups.flatMap((g) => (h[g] ?? []).filter((v) => v !== "")) };
    const uid = this.uids.map((n) => h[n]?.find((v) => v !== "")).find((v) => v !== undefined);
    if (uid) user.uid = uid;
    const extra: Record<string, string[]> = {};
    for (const prefix of this.extras) {
      for (const [k, vs] of Object.entries(h)) {
        if (!k.startsWith(prefix) || !vs) continue;
        const key = unescapeExtraKey(k.slice(prefix.length));
        extra[key] = [...(extra[key] ?? []), ...vs];
      }
    }
    if (Object.keys(extra).length > 0) user.extra = extra;
    return user;
  }
}

function unescapeExtraKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

/** Whether a (lower-case) header name is one of the standard front-proxy headers. */
export function isAuthProxyHeader(name: string): boolean {
  return name === "x-remote-user" || name === "x-remote-uid" || name === "x-remote-group" || name.startsWith("x-remote-extra-");
}

/**
 * The headers a front proxy sends for a user (client-go's
 * transport.SetAuthProxyHeaders): X-Remote-User, X-Remote-Uid when set, one
 * X-Remote-Group per group, and X-Remote-Extra-<key> per extra value with
 * the key %-escaped.
 */
export function authProxyHeaders(user: UserInfo): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { "X-Remote-User": user.name };
  if (user.uid) out["X-Remote-Uid"] = user.uid;
  if (user.groups.length > 0) out["X-Remote-Group"] = [...user.groups];
  for (const [k, vs] of Object.entries(user.extra ?? {})) {
    if (vs.length > 0) out[`X-Remote-Extra-${escapeExtraKey(k)}`] = [...vs];
  }
  return out;
}

/** client-go's headerKeyEscape: %-encode every byte that is not a legal header token byte, and '%' itself. */
function escapeExtraKey(key: string): string {
  let out = "";
  for (const b of Buffer.from(key, "utf8")) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && /[!#$&'*+\-.^_`|~0-9A-Za-z]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
