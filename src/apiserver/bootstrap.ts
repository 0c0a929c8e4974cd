// What a fresh kube-apiserver creates for itself: the system namespaces and
// the "kubernetes" Service in "default" (pkg/controlplane/controller).
import { systemContext } from "./registry/context.ts";
import { ApiError } from "./registry/errors.ts";
import type { ObjectStore } from "./registry/store.ts";
import type { KObject } from "./registry/types.ts";

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

function ensure(store: ObjectStore, resource: string, namespace: string, obj: KObject): void {
  const info = store.registry.lookup("", "v1", resource)!;
  try {
    store.create(info, namespace, obj, systemContext());
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
  }
}

export async function bootstrap(store: ObjectStore): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    ensure(store, "namespaces", "", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    });
  }
  ensure(store, "services", "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: "10.96.0.1",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
      sessionAffinity: "None",
    },
  });
}
