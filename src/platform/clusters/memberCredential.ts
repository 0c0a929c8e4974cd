// kpanda's own credential in a member cluster, so that an expiring user
// kubeconfig does not break the integration. On integration, with the
// user's credential, kpanda creates in the member:
//   - the ClusterRoleBinding kpanda:controller binding cluster-admin to
//   - the ServiceAccount kpanda in the namespace kpanda-system (made when
//     missing), both owned by that binding (ownerReferences), so that
//     deleting the binding last removes them through the garbage collector,
// all labelled app.kubernetes.io/managed-by: kpanda, and asks the TokenRequest
// API (authentication.k8s.io/v1, served since 1.20; no legacy token Secret)
// for a token of a year. The server may cap the lifetime
// (--service-account-max-token-expiration), so the expiry kpanda keeps is the
// answer's status.expirationTimestamp. The health loop renews the token with
// the current one when less than 30 days remain. If any step fails (the user
// has no rights for it), kpanda keeps the user's credential and says so in
// the Cluster's KpandaCredential condition.
import { type CoreV1Api, CoreV1Api as CoreApi, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions } from "@kubernetes/client-node";
import { codeOf } from "../host/host.ts";
import type { MemberCredential } from "./kubeconfig.ts";
import { closeMemberConnections, memberGet } from "./memberHttp.ts";
import { Member } from "./members.ts";

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "kpanda" };
export const MANAGED_SELECTOR = "app.kubernetes.io/managed-by=kpanda";
export const MEMBER_NAMESPACE = "kpanda-system";
export const MEMBER_SA = "kpanda";
export const CONTROLLER_BINDING = "kpanda:controller";
/** What kpanda asks for; the member may grant less. */
export const TOKEN_SECONDS = 365 * 24 * 3600;

export type InstalledCredential =
  | { source: "ServiceAccount"; cred: MemberCredential; expiresAt: string }
  | { source: "Kubeconfig"; cred: MemberCredential; reason: string; message: string };

const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

const ignore409 = (e: unknown) => {
  if (codeOf(e) !== 409) throw e;
};

/** Creates kpanda's ServiceAccount credential with the user's; falls back to the user's credential on failure. */
export async function installCredential(name: string, userCred: MemberCredential, timeoutMs = 5000): Promise<InstalledCredential> {
  const m = new Member(name, userCred, { timeoutMs });
  try {
    const core = m.kc.makeApiClient(CoreApi);
    const rbac = m.kc.makeApiClient(RbacAuthorizationV1Api);
    const binding = await m
      .run(() =>
        rbac.createClusterRoleBinding({
          body: {
            metadata: { name: CONTROLLER_BINDING, labels: MANAGED_BY },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: MEMBER_SA, namespace: MEMBER_NAMESPACE }],
          },
        }),
      )
      .catch((e) => (codeOf(e) === 409 ? m.run(() => rbac.readClusterRoleBinding({ name: CONTROLLER_BINDING })) : Promise.reject(e)));
    // Owned by the binding: removing the binding (teardown.ts, last) lets the garbage collector remove them.
    const ownerReferences = [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: CONTROLLER_BINDING, uid: binding.metadata!.uid! },
    ];
    await m.run(() => core.createNamespace({ body: { metadata: { name: MEMBER_NAMESPACE, labels: MANAGED_BY, ownerReferences } } })).catch(ignore409);
    await m
      .run(() =>
        core.createNamespacedServiceAccount({
          namespace: MEMBER_NAMESPACE,
          body: { metadata: { name: MEMBER_SA, labels: MANAGED_BY, ownerReferences } },
        }),
      )
      .catch(async (e) => {
        ignore409(e);
        const patch = { metadata: { labels: MANAGED_BY, ownerReferences } };
        await m.run(() => core.patchNamespacedServiceAccount({ name: MEMBER_SA, namespace: MEMBER_NAMESPACE, body: patch }, merge));
      });
    const issued = await requestToken(m, core);
    const cred: MemberCredential = { ...userCred, cert: undefined, key: undefined, token: issued.token };
    await checkWorks(name, cred, timeoutMs);
    return { source: "ServiceAccount", cred, expiresAt: issued.expiresAt };
  } catch (e) {
    const code = codeOf(e);
    const why = code === 403 ? "the kubeconfig's user may not create it" : (e as Error).message;
    return {
      source: "Kubeconfig",
      cred: userCred,
      reason: code === 403 ? "Forbidden" : "ServiceAccountFailed",
      message: `kpanda could not create its ServiceAccount credential (${why}); it uses the kubeconfig's credential, which stops working when it expires`,
    };
  } finally {
    closeMemberConnections(m);
  }
}

/** A new token for kpanda's ServiceAccount, asked for with the member's current credential. */
export async function renewToken(m: Member): Promise<{ cred: MemberCredential; expiresAt: string }> {
  const issued = await requestToken(m, m.kc.makeApiClient(CoreApi));
  return { cred: { ...m.cred, token: issued.token }, expiresAt: issued.expiresAt };
}

async function requestToken(m: Member, core: CoreV1Api): Promise<{ token: string; expiresAt: string }> {
  const tr = await m.run(() =>
    core.createNamespacedServiceAccountToken({
      name: MEMBER_SA,
      namespace: MEMBER_NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: TOKEN_SECONDS } },
    }),
  );
  const token = tr.status?.token;
  if (!token) throw new Error("the TokenRequest answer has no token");
  const exp = tr.status?.expirationTimestamp;
  return { token, expiresAt: exp ? new Date(exp).toISOString() : new Date(Date.now() + TOKEN_SECONDS * 1000).toISOString() };
}

/** The new token authenticates (the member may take a moment to see the binding; retry briefly). */
async function checkWorks(name: string, cred: MemberCredential, timeoutMs: number): Promise<void> {
  const m = new Member(name, cred, { timeoutMs });
  try {
    for (let i = 0; ; i++) {
      try {
        await m.run((signal) => memberGet(m, "/api/v1/namespaces/kube-system", signal));
        return;
      } catch (e) {
        if (i >= 10 || (codeOf(e) !== 401 && codeOf(e) !== 403)) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    closeMemberConnections(m);
  }
}
