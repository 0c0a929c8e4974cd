// One minimal valid object per built-in kind, for tests.
const ns = { namespace: "default" };
const podSpec = () => ({ containers: [{ name: "c", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] });
const template = () => ({ metadata: { labels: { app: "a" } }, spec: podSpec() });
const jobTemplate = () => ({
  metadata: { labels: { app: "a" } },
  spec: { ...podSpec(), restartPolicy: "Never" },
});
const selector = () => ({ matchLabels: { app: "a" } });

/** Keyed by "group/Kind". */
export const SAMPLES: Record<string, () => Record<string, any>> = {
  "/Namespace": () => ({ metadata: { name: "team" } }),
  "/Pod": () => ({ metadata: { name: "p", ...ns, labels: { app: "a" } }, spec: podSpec() }),
  "/Service": () => ({
    metadata: { name: "s", ...ns },
    spec: { selector: { app: "a" }, ports: [{ port: 80 }] },
  }),
  "/Endpoints": () => ({
    metadata: { name: "s", ...ns },
    subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }],
  }),
  "/ConfigMap": () => ({ metadata: { name: "c", ...ns }, data: { a: "b" } }),
  "/Secret": () => ({ metadata: { name: "s", ...ns }, data: { a: "Yg==" } }),
  "/ServiceAccount": () => ({ metadata: { name: "sa", ...ns } }),
  "/Event": () => ({
    metadata: { name: "e.1", ...ns },
    involvedObject: { kind: "Pod", name: "p" },
    reason: "R",
    message: "m",
  }),
  "/Node": () => ({ metadata: { name: "node-1" }, status: { capacity: { cpu: "4" } } }),
  "/PersistentVolume": () => ({
    metadata: { name: "pv" },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/d" } },
  }),
  "/PersistentVolumeClaim": () => ({
    metadata: { name: "c", ...ns },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  }),
  "/ResourceQuota": () => ({ metadata: { name: "q", ...ns }, spec: { hard: { pods: "10" } } }),
  "/LimitRange": () => ({
    metadata: { name: "l", ...ns },
    spec: { limits: [{ type: "Container", max: { cpu: "1" } }] },
  }),
  "apps/Deployment": () => ({
    metadata: { name: "d", ...ns },
    spec: { selector: selector(), template: template() },
  }),
  "apps/ReplicaSet": () => ({
    metadata: { name: "r", ...ns },
    spec: { selector: selector(), template: template() },
  }),
  "apps/StatefulSet": () => ({
    metadata: { name: "s", ...ns },
    spec: { serviceName: "s", selector: selector(), template: template() },
  }),
  "apps/DaemonSet": () => ({
    metadata: { name: "d", ...ns },
    spec: { selector: selector(), template: template() },
  }),
  "apps/ControllerRevision": () => ({ metadata: { name: "r", ...ns }, revision: 1 }),
  "batch/Job": () => ({
    metadata: { name: "j", ...ns },
    spec: { selector: selector(), template: jobTemplate() },
  }),
  "batch/CronJob": () => ({
    metadata: { name: "c", ...ns },
    spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: jobTemplate() } } },
  }),
  "autoscaling/HorizontalPodAutoscaler": () => ({
    metadata: { name: "h", ...ns },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" }, maxReplicas: 3 },
  }),
  "networking.k8s.io/NetworkPolicy": () => ({ metadata: { name: "n", ...ns }, spec: { podSelector: {} } }),
  "networking.k8s.io/Ingress": () => ({
    metadata: { name: "i", ...ns },
    spec: {
      rules: [
        {
          host: "a.example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "s", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  }),
  "networking.k8s.io/IngressClass": () => ({
    metadata: { name: "nginx" },
    spec: { controller: "k8s.io/ingress-nginx" },
  }),
  "policy/PodDisruptionBudget": () => ({
    metadata: { name: "p", ...ns },
    spec: { minAvailable: 1, selector: selector() },
  }),
  "rbac.authorization.k8s.io/Role": () => ({
    metadata: { name: "r", ...ns },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  }),
  "rbac.authorization.k8s.io/RoleBinding": () => ({
    metadata: { name: "b", ...ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
    subjects: [{ kind: "ServiceAccount", name: "sa", namespace: "default" }],
  }),
  "rbac.authorization.k8s.io/ClusterRole": () => ({
    metadata: { name: "system:r" },
    rules: [{ nonResourceURLs: ["/healthz"], verbs: ["get"] }],
  }),
  "rbac.authorization.k8s.io/ClusterRoleBinding": () => ({
    metadata: { name: "b" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "r" },
    subjects: [{ kind: "Group", name: "g" }],
  }),
  "storage.k8s.io/StorageClass": () => ({
    metadata: { name: "standard" },
    provisioner: "rancher.io/local-path",
  }),
  "discovery.k8s.io/EndpointSlice": () => ({
    metadata: { name: "s-abc12", ...ns, labels: { "kubernetes.io/service-name": "s" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: true } }],
    ports: [{ name: "http", port: 80, protocol: "TCP" }],
  }),
  "coordination.k8s.io/Lease": () => ({
    metadata: { name: "l", ...ns },
    spec: { holderIdentity: "me", leaseDurationSeconds: 15 },
  }),
  "events.k8s.io/Event": () => ({
    metadata: { name: "e.1", ...ns },
    eventTime: "2024-01-01T00:00:00.000000Z",
    reason: "R",
  }),
  "apiextensions.k8s.io/CustomResourceDefinition": () => ({
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", kind: "Widget" },
      versions: [
        { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
      ],
    },
  }),
  "authentication.k8s.io/SelfSubjectReview": () => ({ metadata: { name: "r" } }),
  "authentication.k8s.io/TokenReview": () => ({ metadata: { name: "r" }, spec: { token: "t" } }),
  "authorization.k8s.io/SelfSubjectAccessReview": () => ({ metadata: { name: "r" }, spec: { resourceAttributes: { verb: "get", resource: "pods" } } }),
  "authorization.k8s.io/SubjectAccessReview": () => ({ metadata: { name: "r" }, spec: { user: "bob", resourceAttributes: { verb: "get", resource: "pods" } } }),
  "authorization.k8s.io/LocalSubjectAccessReview": () => ({
    metadata: { name: "r", ...ns },
    spec: { user: "bob", resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } },
  }),
  "authorization.k8s.io/SelfSubjectRulesReview": () => ({ metadata: { name: "r" }, spec: { namespace: "default" } }),
  // As metrics-server's manifest registers itself.
  "apiregistration.k8s.io/APIService": () => ({
    metadata: { name: "v1beta1.metrics.k8s.io" },
    spec: {
      group: "metrics.k8s.io",
      version: "v1beta1",
      service: { namespace: "kube-system", name: "metrics-server" },
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  }),
};
