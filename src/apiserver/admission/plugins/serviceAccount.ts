// ServiceAccount admission (plugin/pkg/admission/serviceaccount, 1.32): a pod
// without spec.serviceAccountName runs as "default"; the account must exist;
// unless automountServiceAccountToken is false (on the pod, else on the
// account), every container and init container mounts a projected
// kube-api-access-<random> volume at /var/run/secrets/kubernetes.io/serviceaccount;
// the account's imagePullSecrets are copied to a pod that has none.
import type { Attributes } from "../../registry/context.ts";
import { forbidden } from "../../registry/errors.ts";
import type { ObjectStore } from "../../registry/store.ts";

type Obj = Record<string, any>;

export const DEFAULT_SERVICE_ACCOUNT = "default";
export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const VOLUME_PREFIX = "kube-api-access-";
const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function randomSuffix(): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return s;
}

/** TokenVolumeSource: a bound token, the cluster CA and the namespace. */
function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
        { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        {
          downwardAPI: {
            items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
          },
        },
      ],
    },
  };
}

export function serviceAccountAdmission(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (a.op !== "CREATE" || a.subresource || a.info.group !== "" || a.info.resource !== "pods") return;
    const pod = a.obj as Obj;
    if (pod.spec == null || typeof pod.spec !== "object") return;
    const spec = pod.spec;
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      validateMirrorPod(a, spec);
      return;
    }
    // v1 conversion: the deprecated serviceAccount field stands in for an empty serviceAccountName.
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
    spec.serviceAccount = spec.serviceAccountName;
    const name: string = spec.serviceAccountName;
    const stored = store().storage.get(`/core/serviceaccounts/${a.namespace}/${name}`);
    // Upstream retries a missing "default" account for a while, as the
    // namespace controller is about to create it; that account has no settings.
    if (!stored && name !== DEFAULT_SERVICE_ACCOUNT) {
      throw forbidden(
        a.requestInfo,
        a.name,
        `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`,
      );
    }
    const sa: Obj = stored ? JSON.parse(stored.value) : {};
    const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
    if (automount) mountToken(spec);
    if (!spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) {
      spec.imagePullSecrets = sa.imagePullSecrets.map((s: Obj) => ({ ...s }));
    }
  };
}

function validateMirrorPod(a: Attributes, spec: Obj): void {
  if (spec.serviceAccountName) throw forbidden(a.requestInfo, a.name, "a mirror pod may not reference service accounts");
  const volumes: Obj[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const sources = volumes.flatMap((v) => (Array.isArray(v?.projected?.sources) ? v.projected.sources : []));
  if (volumes.some((v) => v?.secret != null) || sources.some((s: Obj) => s?.secret != null)) {
    throw forbidden(a.requestInfo, a.name, "a mirror pod may not reference secrets");
  }
  if (sources.some((s: Obj) => s?.serviceAccountToken != null)) {
    throw forbidden(a.requestInfo, a.name, "a mirror pod may not use ServiceAccountToken volume projections");
  }
}

/** mountServiceAccountToken: reuse an existing kube-api-access-* volume, else add one if a container needs it. */
function mountToken(spec: Obj): void {
  const volumes: Obj[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const existing = volumes.find((v) => typeof v?.name === "string" && v.name.startsWith(VOLUME_PREFIX));
  const volumeName: string = existing?.name ?? `${VOLUME_PREFIX}${randomSuffix()}`;
  let needed = false;
  for (const key of ["initContainers", "containers"]) {
    for (const c of Array.isArray(spec[key]) ? spec[key] : []) {
      if (c == null || typeof c !== "object") continue;
      const mounts: Obj[] = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      // A mount already at the token path wins.
      if (mounts.some((m) => m?.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needed = true;
    }
  }
  if (needed && !existing) spec.volumes = [...volumes, tokenVolume(volumeName)];
}
