// Objects for bench/search.ts: realistic member-cluster objects (a pod as a
// Deployment's ReplicaSet makes it, with the default ServiceAccount volume,
// tolerations and status a kubelet writes), deterministic per index.
export type Obj = Record<string, any>;

/** The mix per cluster, as a share of its objects. */
export const MIX: { resource: string; group: string; version: string; share: number }[] = [
  { group: "", version: "v1", resource: "pods", share: 0.6 },
  { group: "", version: "v1", resource: "configmaps", share: 0.15 },
  { group: "", version: "v1", resource: "services", share: 0.1 },
  { group: "apps", version: "v1", resource: "deployments", share: 0.1 },
  { group: "", version: "v1", resource: "events", share: 0.05 },
];

const APPS = ["web", "api", "cart", "checkout", "search", "payments", "auth", "gateway", "catalog", "inventory", "mailer", "billing"];
const hash = (n: number, len: number) => ((n * 2654435761) >>> 0).toString(36).padStart(7, "0").slice(0, len);

/** The i-th object name of a kind: `<app>-<n>-<hash>-<hash>` for pods, `<app>-<n>` otherwise. */
export function nameOf(resource: string, i: number): { app: string; ns: string; name: string } {
  const app = APPS[i % APPS.length];
  const ns = `team-${(i >> 4) % 20}`;
  const base = `${app}-${Math.floor(i / APPS.length)}`;
  return { app, ns, name: resource === "pods" ? `${base}-${hash(i, 5)}-${hash(i * 7 + 3, 5)}` : base };
}

const ts = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace(/\.\d+Z$/, "Z");

export function makeObject(resource: string, i: number, rv: string): Obj {
  const { app, ns, name } = nameOf(resource, i);
  const metadata: Obj = {
    name,
    namespace: ns,
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    resourceVersion: rv,
    creationTimestamp: ts(i),
    labels: { app, "app.kubernetes.io/part-of": "shop", tier: i % 3 ? "backend" : "frontend" },
  };
  switch (resource) {
    case "pods":
      return pod(metadata, i, app);
    case "configmaps":
      return { apiVersion: "v1", kind: "ConfigMap", metadata, data: { "app.properties": `name=${app}\nreplicas=3\nlog.level=info\n`, "feature-flags": "a=true,b=false" } };
    case "services":
      return {
        apiVersion: "v1",
        kind: "Service",
        metadata,
        spec: { type: "ClusterIP", clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`, selector: { app }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] },
        status: { loadBalancer: {} },
      };
    case "deployments":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { ...metadata, generation: 1, annotations: { "deployment.kubernetes.io/revision": "1" } },
        spec: { replicas: 3, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: `registry.example/${app}:1.4.2` }] } } },
        status: { replicas: 3, readyReplicas: i % 10 ? 3 : 2, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 },
      };
    default:
      return {
        apiVersion: "v1",
        kind: "Event",
        metadata: { ...metadata, name: `${name}.${hash(i, 7)}` },
        involvedObject: { kind: "Pod", namespace: ns, name, apiVersion: "v1" },
        reason: i % 4 ? "Pulled" : "BackOff",
        message: `Container image "registry.example/${app}:1.4.2" already present on machine`,
        type: i % 4 ? "Normal" : "Warning",
        count: 1,
        firstTimestamp: ts(i),
        lastTimestamp: ts(i),
        source: { component: "kubelet", host: `node-${i % 50}` },
      };
  }
}

function pod(metadata: Obj, i: number, app: string): Obj {
  const rs = `${app}-${Math.floor(i / 12)}-${hash(i, 5)}`;
  const node = `node-${i % 50}`;
  const cond = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: metadata.creationTimestamp });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...metadata,
      generateName: `${rs}-`,
      labels: { ...metadata.labels, "pod-template-hash": hash(i, 5) },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, uid: metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [
        {
          name: app,
          image: `registry.example/${app}:1.4.2`,
          ports: [{ containerPort: 8080, protocol: "TCP" }],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          volumeMounts: [{ name: "kube-api-access", readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }],
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          imagePullPolicy: "IfNotPresent",
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      serviceAccount: "default",
      nodeName: node,
      securityContext: {},
      schedulerName: "default-scheduler",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
      volumes: [
        {
          name: "kube-api-access",
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
              { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
            ],
            defaultMode: 420,
          },
        },
      ],
    },
    status: {
      phase: i % 50 ? "Running" : "Pending",
      conditions: [cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
      hostIP: `192.168.${(i >> 8) & 255}.${i % 50}`,
      podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
      podIPs: [{ ip: `10.244.${(i >> 8) & 255}.${i & 255}` }],
      startTime: metadata.creationTimestamp,
      containerStatuses: [
        {
          name: app,
          state: { running: { startedAt: metadata.creationTimestamp } },
          lastState: {},
          ready: true,
          restartCount: i % 7 === 0 ? 2 : 0,
          image: `registry.example/${app}:1.4.2`,
          imageID: `registry.example/${app}@sha256:${hash(i, 7).repeat(9).slice(0, 64)}`,
          containerID: `containerd://${hash(i * 3, 7).repeat(9).slice(0, 64)}`,
          started: true,
        },
      ],
      qosClass: "Burstable",
    },
  };
}
