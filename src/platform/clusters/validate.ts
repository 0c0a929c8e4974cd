// POST /clusters/validate and the check before an integration: can kpanda
// reach the cluster with this kubeconfig, which version does it run, does
// the credential carry the rights kpanda needs, and when does it expire.
// An unparseable kubeconfig is a 400 (parseKubeconfig's message); anything
// else is a field of the report, so a console can show all of it at once.
import { X509Certificate } from "node:crypto";
import { AuthorizationV1Api, type V1ResourceAttributes } from "@kubernetes/client-node";
import { codeOf } from "../host/host.ts";
import { type MemberCredential, parseKubeconfig } from "./kubeconfig.ts";
import { closeMemberConnections, memberGet } from "./memberHttp.ts";
import { Member } from "./members.ts";

/** A credential expiring sooner than this gets a warning (and kpanda's own token is renewed). */
export const EXPIRY_WARNING_MS = 30 * 24 * 3600 * 1000;

export type Permissions = {
  /** Every verb on every resource (cluster-admin). */
  clusterAdmin: boolean;
  /** The rights kpanda's features use, each allowed. */
  sufficient: boolean;
  /** The rights missing, e.g. "impersonate users". */
  missing: string[];
};

export type ValidationReport = {
  reachable: boolean;
  /** Why the cluster could not be reached or the credential was refused. */
  error?: string;
  /** False when the server answered 401 to the credential. */
  authenticated?: boolean;
  serverVersion?: string;
  permissions?: Permissions;
  credential: { type: "certificate" | "token"; expiresAt?: string; subject?: string };
  warnings: string[];
};

/** What kpanda does in a member, as SelfSubjectAccessReview attributes. */
const NEEDED: { what: string; attrs: V1ResourceAttributes }[] = [
  { what: "get, list and watch every resource", attrs: { verb: "list", group: "*", resource: "*" } },
  { what: "impersonate users", attrs: { verb: "impersonate", resource: "users" } },
  { what: "impersonate groups", attrs: { verb: "impersonate", resource: "groups" } },
  { what: "create namespaces", attrs: { verb: "create", resource: "namespaces" } },
  { what: "create serviceaccounts", attrs: { verb: "create", resource: "serviceaccounts", namespace: "kpanda-system" } },
  {
    what: "create serviceaccount tokens",
    attrs: { verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "kpanda-system" },
  },
  { what: "manage clusterroles", attrs: { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterroles" } },
  { what: "bind clusterroles", attrs: { verb: "bind", group: "rbac.authorization.k8s.io", resource: "clusterroles" } },
  {
    what: "manage clusterrolebindings",
    attrs: { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings" },
  },
  { what: "manage rolebindings", attrs: { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings" } },
];

/** Parses (400 when it cannot) and checks a kubeconfig against its cluster. */
export async function validateKubeconfig(text: string, timeoutMs = 5000): Promise<{ cred: MemberCredential; report: ValidationReport }> {
  const cred = parseKubeconfig(text);
  return { cred, report: await validateCredential(cred, timeoutMs) };
}

export async function validateCredential(cred: MemberCredential, timeoutMs = 5000): Promise<ValidationReport> {
  const report: ValidationReport = { reachable: false, credential: credentialExpiry(cred), warnings: [] };
  const exp = report.credential.expiresAt;
  if (exp) {
    const left = Date.parse(exp) - Date.now();
    if (left <= 0) report.warnings.push(`the ${report.credential.type} expired at ${exp}`);
    else if (left < EXPIRY_WARNING_MS) {
      report.warnings.push(`the ${report.credential.type} expires in ${Math.ceil(left / 86400000)} days (${exp})`);
    }
  }
  const m = new Member("validate", cred, { timeoutMs, concurrency: 4 });
  try {
    const version = await m.run((signal) => memberGet<{ gitVersion?: string }>(m, "/version", signal));
    report.reachable = true;
    report.authenticated = true;
    report.serverVersion = version?.gitVersion;
    report.permissions = await checkPermissions(m);
    if (!report.permissions.sufficient) {
      report.warnings.push(`the credential lacks rights kpanda needs: ${report.permissions.missing.join(", ")}`);
    }
  } catch (e) {
    const code = codeOf(e);
    if (code === 401) {
      report.reachable = true;
      report.authenticated = false;
      report.error = "the cluster refused the credential (401 Unauthorized)";
    } else if (code !== undefined) {
      report.reachable = true;
      report.error = `the cluster answered ${code} to GET /version`;
    } else {
      report.error = (e as Error).message;
    }
  } finally {
    closeMemberConnections(m);
  }
  return report;
}

/** SelfSubjectAccessReviews: `*` on `*` first; only when that is denied, each right kpanda uses. */
export async function checkPermissions(m: Member): Promise<Permissions> {
  const api = m.kc.makeApiClient(AuthorizationV1Api);
  const allowed = (attrs: V1ResourceAttributes) =>
    m.run(async () => {
      const r = await api.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } });
      return !!r.status?.allowed;
    });
  if (await allowed({ verb: "*", group: "*", resource: "*" })) return { clusterAdmin: true, sufficient: true, missing: [] };
  const results = await Promise.all(NEEDED.map((n) => allowed(n.attrs)));
  const missing = NEEDED.filter((_, i) => !results[i]).map((n) => n.what);
  return { clusterAdmin: false, sufficient: missing.length === 0, missing };
}

/** The client certificate's notAfter and subject, or a JWT token's `exp`; no expiry for an opaque token. */
export function credentialExpiry(cred: MemberCredential): ValidationReport["credential"] {
  if (cred.cert) {
    try {
      const x = new X509Certificate(cred.cert);
      return { type: "certificate", expiresAt: new Date(x.validTo).toISOString(), subject: x.subject.replace(/\n/g, ", ") };
    } catch {
      return { type: "certificate" };
    }
  }
  return { type: "token", expiresAt: jwtExpiry(cred.token ?? "") };
}

export function jwtExpiry(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const exp = JSON.parse(Buffer.from(parts[1], "base64url").toString()).exp;
    return typeof exp === "number" ? new Date(exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}
