// DefaultStorageClass admission (plugin/pkg/admission/storage/storageclass/setdefault,
// 1.32): a new claim with neither spec.storageClassName (even "") nor the beta
// storage-class annotation gets the default class: among classes annotated
// is-default-class "true", the newest, then the first by name.
import type { Attributes } from "../../registry/context.ts";
import type { ObjectStore } from "../../registry/store.ts";
import type { KObject } from "../../registry/types.ts";

const IS_DEFAULT = "storageclass.kubernetes.io/is-default-class";
const BETA_IS_DEFAULT = "storageclass.beta.kubernetes.io/is-default-class";
const BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

export function defaultStorageClass(store: () => ObjectStore) {
  return (a: Attributes): void => {
    if (a.op !== "CREATE" || a.subresource || a.info.group !== "" || a.info.resource !== "persistentvolumeclaims") return;
    const pvc = a.obj;
    if (pvc.spec == null || typeof pvc.spec !== "object") return;
    if (pvc.spec.storageClassName != null || pvc.metadata?.annotations?.[BETA_CLASS] !== undefined) return;
    const name = defaultClassName(store());
    if (name) pvc.spec.storageClassName = name;
  };
}

export function defaultClassName(store: ObjectStore): string | undefined {
  const info = store.registry.lookup("storage.k8s.io", "v1", "storageclasses");
  if (!info) return undefined;
  const defaults: KObject[] = store.storage
    .list(`/${info.storagePrefix}/`)
    .items.map((s) => JSON.parse(s.value))
    .filter((c: KObject) => {
      const an = c.metadata?.annotations ?? {};
      return an[IS_DEFAULT] === "true" || an[BETA_IS_DEFAULT] === "true";
    });
  defaults.sort((x, y) => {
    const tx = Date.parse(x.metadata?.creationTimestamp ?? "") || 0;
    const ty = Date.parse(y.metadata?.creationTimestamp ?? "") || 0;
    if (tx !== ty) return ty - tx;
    return (x.metadata?.name ?? "") < (y.metadata?.name ?? "") ? -1 : 1;
  });
  return defaults[0]?.metadata?.name;
}
