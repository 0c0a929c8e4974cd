// Immutable fields of the built-in kinds: a merge patch that changes one
// answers 422 Invalid with kube-apiserver's cause, and stores nothing.
// Expected texts come from pkg/apis/*/validation (1.32). Runs against any
// cluster with KPANDA_TEST_KUBECONFIG; the cases marked `v120` differ on
// purpose on a v1.20 server (the reason is given) and are skipped there.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";
import { type KubeHttp, kubeHttp } from "./kubeHttp.ts";

let cluster: Cluster;
let http: KubeHttp;
let ns = "";
let minor = 32;
before(async () => {
  cluster = await startCluster();
  http = await kubeHttp(cluster.kubeconfigPath);
  ns = await cluster.namespace("immutable");
  minor = Number.parseInt((await http("GET", "/version")).body.minor, 10);
});
/** An object without what its controllers write: status, resourceVersion, managedFields. */
function written(obj: any): unknown {
  const { status: _s, metadata, ...rest } = obj;
  const { resourceVersion: _r, managedFields: _m, ...m } = metadata;
  return { ...rest, metadata: m };
}

/** Cluster-scoped objects the cases made, deleted at the end (the namespace takes the rest). */
const clusterScoped: string[] = [];
after(async () => {
  for (const p of clusterScoped) await http("DELETE", p);
  await cluster.close();
});

const MERGE = "application/merge-patch+json";
const IMMUTABLE = "field is immutable";

type Expect = [field: string, message: string | RegExp];
type Case = {
  name: string;
  /** Objects to create first (namespaced ones land in the test's namespace). */
  objects: (ns: string) => object[];
  /** The object the patch goes to. */
  path: (ns: string) => string;
  patch: object;
  causes: Expect[];
  /** Why a v1.20 server answers otherwise (1.32 is followed). */
  v120?: string;
};

const meta = (name: string, ns?: string) => ({ name, ...(ns ? { namespace: ns } : {}) });
const tmpl = (labels: Record<string, string>, restartPolicy?: string) => ({
  metadata: { labels },
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: "c", image: "busybox:1.36" }] },
});
const apps = (kind: string, name: string, n: string, spec: object) => ({ apiVersion: "apps/v1", kind, metadata: meta(name, n), spec });
const selectorSpec = { selector: { matchLabels: { app: "a" } }, template: tmpl({ app: "a" }) };
const newSelector = { spec: { selector: { matchLabels: { app: "b" } }, template: { metadata: { labels: { app: "b" } } } } };
const selectorCause: Expect = [
  "spec.selector",
  'Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
];

const cases: Case[] = [
  {
    // validateUpgradeDowngradeClusterIPs, after normalizeClusterIPs carried clusterIP into clusterIPs.
    name: "a Service's clusterIP may not change once set",
    objects: (n) => [{ apiVersion: "v1", kind: "Service", metadata: meta("svc", n), spec: { ports: [{ port: 80 }] } }],
    path: (n) => `/api/v1/namespaces/${n}/services/svc`,
    patch: { spec: { clusterIP: "10.96.0.99" } },
    causes: [["spec.clusterIPs[0]", 'Invalid value: []string{"10.96.0.99"}: may not change once set']],
  },
  {
    name: "a Service's clusterIPs may not change once set, and must start with clusterIP",
    objects: (n) => [{ apiVersion: "v1", kind: "Service", metadata: meta("svc2", n), spec: { ports: [{ port: 80 }] } }],
    path: (n) => `/api/v1/namespaces/${n}/services/svc2`,
    patch: { spec: { clusterIPs: ["10.96.0.98"] } },
    causes: [
      ["spec.clusterIPs[0]", 'Invalid value: []string{"10.96.0.98"}: may not change once set'],
      ["spec.clusterIPs", 'Invalid value: []string{"10.96.0.98"}: first value must match `clusterIP`'],
    ],
    v120: 'says "element [0] must match clusterIP"',
  },
  {
    name: "a Service's ipFamilies may not change once set",
    objects: (n) => [{ apiVersion: "v1", kind: "Service", metadata: meta("svc3", n), spec: { ports: [{ port: 80 }] } }],
    path: (n) => `/api/v1/namespaces/${n}/services/svc3`,
    patch: { spec: { ipFamilies: ["IPv6"] } },
    causes: [["spec.ipFamilies[0]", 'Invalid value: []string{"IPv6"}: may not change once set']],
    v120: "drops ipFamilies (the IPv6DualStack gate is off)",
  },
  {
    name: "a Deployment's selector is immutable in apps/v1",
    objects: (n) => [apps("Deployment", "dep", n, selectorSpec)],
    path: (n) => `/apis/apps/v1/namespaces/${n}/deployments/dep`,
    patch: newSelector,
    causes: [selectorCause],
  },
  {
    name: "a ReplicaSet's selector is immutable in apps/v1",
    objects: (n) => [apps("ReplicaSet", "rs", n, { ...selectorSpec, replicas: 0 })],
    path: (n) => `/apis/apps/v1/namespaces/${n}/replicasets/rs`,
    patch: newSelector,
    causes: [selectorCause],
  },
  {
    name: "a DaemonSet's selector is immutable in apps/v1",
    objects: (n) => [apps("DaemonSet", "ds", n, selectorSpec)],
    path: (n) => `/apis/apps/v1/namespaces/${n}/daemonsets/ds`,
    patch: newSelector,
    causes: [selectorCause],
  },
  {
    name: "a StatefulSet's spec is immutable but for replicas, ordinals, template, updateStrategy, the PVC retention policy and minReadySeconds",
    objects: (n) => [apps("StatefulSet", "sts", n, { ...selectorSpec, serviceName: "a", replicas: 0 })],
    path: (n) => `/apis/apps/v1/namespaces/${n}/statefulsets/sts`,
    patch: { spec: { serviceName: "b" } },
    causes: [
      [
        "spec",
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ],
    ],
    v120: "lists only 'replicas', 'template', and 'updateStrategy'",
  },
  {
    name: "a Job's template is immutable",
    objects: (n) => [{ apiVersion: "batch/v1", kind: "Job", metadata: meta("job", n), spec: { suspend: true, template: tmpl({}, "Never") } }],
    path: (n) => `/apis/batch/v1/namespaces/${n}/jobs/job`,
    patch: { spec: { template: { spec: { containers: [{ name: "c", image: "busybox:1.37" }] } } } },
    causes: [["spec.template", /^Invalid value: .*: field is immutable$/]],
    v120: "has no spec.suspend (JobSuspend is alpha)",
  },
  {
    name: "a Job's completions are immutable when it is not Indexed",
    objects: (n) => [{ apiVersion: "batch/v1", kind: "Job", metadata: meta("job2", n), spec: { completions: 2, template: tmpl({}, "Never") } }],
    path: (n) => `/apis/batch/v1/namespaces/${n}/jobs/job2`,
    patch: { spec: { completions: 3 } },
    causes: [["spec.completions", `Invalid value: 3: ${IMMUTABLE}`]],
  },
  {
    name: "a claim's spec is immutable but for resources.requests and volumeAttributesClassName of a bound claim",
    objects: (n) => [pvc("claim", n)],
    path: (n) => `/api/v1/namespaces/${n}/persistentvolumeclaims/claim`,
    patch: { spec: { accessModes: ["ReadWriteMany"] } },
    causes: [["spec", /^Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims(\n|$)/]],
    v120: "has no volumeAttributesClassName in the message",
  },
  {
    name: "an unbound claim may not be resized",
    objects: (n) => [pvc("claim2", n)],
    path: (n) => `/api/v1/namespaces/${n}/persistentvolumeclaims/claim2`,
    patch: { spec: { resources: { requests: { storage: "2Gi" } } } },
    causes: [["spec", /^Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims(\n|$)/]],
    v120: "has no volumeAttributesClassName in the message",
  },
  {
    name: "a PersistentVolume's source is immutable",
    objects: () => [pv(`pv-${ns}`)],
    path: () => `/api/v1/persistentvolumes/pv-${ns}`,
    patch: { spec: { hostPath: { path: "/tmp/other" } } },
    causes: [["spec.persistentvolumesource", /^Forbidden: spec.persistentvolumesource is immutable after creation(\n|$)/]],
  },
  {
    name: "a PersistentVolume's volumeMode is immutable",
    objects: () => [pv(`pv2-${ns}`)],
    path: () => `/api/v1/persistentvolumes/pv2-${ns}`,
    patch: { spec: { volumeMode: "Block" } },
    causes: [["volumeMode", `Invalid value: "Block": ${IMMUTABLE}`]],
  },
  ...storageClassCases(),
  {
    name: "a Secret's type is immutable",
    objects: (n) => [{ apiVersion: "v1", kind: "Secret", metadata: meta("sec", n), type: "example.com/a", data: { k: "dg==" } }],
    path: (n) => `/api/v1/namespaces/${n}/secrets/sec`,
    patch: { type: "example.com/b" },
    causes: [["type", `Invalid value: "example.com/b": ${IMMUTABLE}`]],
  },
  {
    name: "an immutable Secret keeps its data and stays immutable",
    objects: (n) => [{ apiVersion: "v1", kind: "Secret", metadata: meta("sec2", n), immutable: true, data: { k: "dg==" } }],
    path: (n) => `/api/v1/namespaces/${n}/secrets/sec2`,
    patch: { immutable: false, data: { k: "dw==" } },
    causes: [
      ["immutable", "Forbidden: field is immutable when `immutable` is set"],
      ["data", "Forbidden: field is immutable when `immutable` is set"],
    ],
  },
  {
    name: "an immutable ConfigMap keeps its data and binaryData",
    objects: (n) => [{ apiVersion: "v1", kind: "ConfigMap", metadata: meta("cm", n), immutable: true, data: { a: "1" } }],
    path: (n) => `/api/v1/namespaces/${n}/configmaps/cm`,
    patch: { data: { a: "2" }, binaryData: { b: "dg==" } },
    causes: [
      ["data", "Forbidden: field is immutable when `immutable` is set"],
      ["binaryData", "Forbidden: field is immutable when `immutable` is set"],
    ],
  },
  {
    name: "a Node's podCIDR may be set once, never changed",
    objects: () => [{ apiVersion: "v1", kind: "Node", metadata: meta(`node-${ns}`), spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] } }],
    path: () => `/api/v1/nodes/node-${ns}`,
    patch: { spec: { podCIDR: "10.244.2.0/24", podCIDRs: ["10.244.2.0/24"] } },
    causes: [["spec.podCIDRs", 'Forbidden: node updates may not change podCIDR except from "" to valid']],
  },
  {
    name: "a Node's providerID may be set once, never changed",
    objects: () => [{ apiVersion: "v1", kind: "Node", metadata: meta(`node2-${ns}`), spec: { providerID: "sim://a" } }],
    path: () => `/api/v1/nodes/node2-${ns}`,
    patch: { spec: { providerID: "sim://b" } },
    causes: [["spec.providerID", 'Forbidden: node updates may not change providerID except from "" to valid']],
  },
  ...bindingCases(),
  {
    name: "a ResourceQuota's scopes are immutable",
    objects: (n) => [{ apiVersion: "v1", kind: "ResourceQuota", metadata: meta("quota", n), spec: { hard: { pods: "5" }, scopes: ["BestEffort"] } }],
    path: (n) => `/api/v1/namespaces/${n}/resourcequotas/quota`,
    patch: { spec: { scopes: ["NotBestEffort"] } },
    causes: [["spec.scopes", `Invalid value: []core.ResourceQuotaScope{"NotBestEffort"}: ${IMMUTABLE}`]],
  },
  {
    name: "an IngressClass's controller is immutable",
    objects: () => [{ apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: meta(`ic-${ns}`), spec: { controller: "example.com/a" } }],
    path: () => `/apis/networking.k8s.io/v1/ingressclasses/ic-${ns}`,
    patch: { spec: { controller: "example.com/b" } },
    causes: [["spec.controller", `Invalid value: "example.com/b": ${IMMUTABLE}`]],
  },
  {
    name: "an EndpointSlice's addressType is immutable",
    objects: (n) => [{ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta("eps", n), addressType: "IPv4", endpoints: [] }],
    path: (n) => `/apis/discovery.k8s.io/v1/namespaces/${n}/endpointslices/eps`,
    patch: { addressType: "IPv6" },
    causes: [["addressType", `Invalid value: "IPv6": ${IMMUTABLE}`]],
    v120: "serves discovery.k8s.io/v1beta1 only",
  },
  {
    name: "a ControllerRevision's data is immutable",
    objects: (n) => [{ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: meta("rev", n), data: { a: 1 }, revision: 1 }],
    path: (n) => `/apis/apps/v1/namespaces/${n}/controllerrevisions/rev`,
    patch: { data: { a: 2 } },
    causes: [["data", /^Invalid value: .*: field is immutable$/]],
  },
  {
    name: "an events.k8s.io Event's note and regarding are immutable",
    objects: (n) => [event(n)],
    path: (n) => `/apis/events.k8s.io/v1/namespaces/${n}/events/ev`,
    patch: { note: "changed", regarding: { name: "other" } },
    v120: "compares the new event with itself (a strategy bug fixed in 1.21), so it takes the change",
    causes: [
      ["involvedObject", /^Invalid value: core.ObjectReference\{Kind:"Pod", Namespace:"[^"]+", Name:"other", .*\}: field is immutable$/],
      ["message", `Invalid value: "changed": ${IMMUTABLE}`],
    ],
  },
];

function pvc(name: string, n: string): object {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: meta(name, n),
    spec: { storageClassName: "none-such", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  };
}

function pv(name: string): object {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: meta(name),
    spec: { storageClassName: "none-such", capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/tmp/pv" } },
  };
}

function event(n: string): object {
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: meta("ev", n),
    eventTime: "2024-01-01T00:00:00.000000Z",
    reportingController: "example.com/test",
    reportingInstance: "test-1",
    action: "Testing",
    reason: "Tested",
    type: "Normal",
    note: "first",
    regarding: { kind: "Pod", name: "p", namespace: n },
  };
}

/** ValidateStorageClassUpdate: parameters, provisioner and reclaimPolicy are Forbidden; volumeBindingMode is ValidateImmutableField. */
function storageClassCases(): Case[] {
  const sc = (name: string) => ({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: meta(name),
    provisioner: "example.com/a",
    parameters: { a: "1" },
  });
  const path = (name: string) => `/apis/storage.k8s.io/v1/storageclasses/${name}`;
  return [
    {
      name: "a StorageClass's provisioner, parameters and reclaimPolicy may not change",
      objects: () => [sc(`sc-${ns}`)],
      path: () => path(`sc-${ns}`),
      patch: { provisioner: "example.com/b", parameters: { a: "2" }, reclaimPolicy: "Retain" },
      causes: [
        ["parameters", "Forbidden: updates to parameters are forbidden."],
        ["provisioner", "Forbidden: updates to provisioner are forbidden."],
        ["reclaimPolicy", "Forbidden: updates to reclaimPolicy are forbidden."],
      ],
    },
    {
      name: "a StorageClass's volumeBindingMode is immutable",
      objects: () => [sc(`sc2-${ns}`)],
      path: () => path(`sc2-${ns}`),
      patch: { volumeBindingMode: "WaitForFirstConsumer" },
      causes: [["volumeBindingMode", `Invalid value: "WaitForFirstConsumer": ${IMMUTABLE}`]],
    },
  ];
}

function bindingCases(): Case[] {
  const rbac = "rbac.authorization.k8s.io";
  const binding = (kind: string, name: string, n?: string) => ({
    apiVersion: `${rbac}/v1`,
    kind,
    metadata: meta(name, n),
    roleRef: { apiGroup: rbac, kind: "ClusterRole", name: "view" },
    subjects: [{ apiGroup: rbac, kind: "User", name: "u" }],
  });
  const cause: Expect = ["roleRef", `Invalid value: rbac.RoleRef{APIGroup:"${rbac}", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef`];
  return [
    {
      name: "a RoleBinding's roleRef cannot change",
      objects: (n) => [binding("RoleBinding", "rb", n)],
      path: (n) => `/apis/${rbac}/v1/namespaces/${n}/rolebindings/rb`,
      patch: { roleRef: { name: "edit" } },
      causes: [cause],
    },
    {
      name: "a ClusterRoleBinding's roleRef cannot change",
      objects: () => [binding("ClusterRoleBinding", `crb-${ns}`)],
      path: () => `/apis/${rbac}/v1/clusterrolebindings/crb-${ns}`,
      patch: { roleRef: { name: "edit" } },
      causes: [cause],
    },
  ];
}

for (const c of cases) {
  test(c.name, async (t) => {
    if (c.v120 && minor <= 20) {
      t.skip(`v1.${minor} ${c.v120}`);
      return;
    }
    await cluster.apply(yamlDocs(...c.objects(ns)));
    const path = c.path(ns);
    if (!path.includes("/namespaces/")) clusterScoped.push(path);
    const before = await http("GET", path);
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const reply = await http("PATCH", path, c.patch, MERGE);
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.equal(reply.body.reason, "Invalid");
    assert.equal(reply.body.code, 422);
    const causes: { field: string; message: string }[] = reply.body.details.causes;
    for (const [field, message] of c.causes) {
      const found = causes.find((x) => x.field === field && (typeof message === "string" ? x.message === message : message.test(x.message)));
      assert.ok(found, `no cause ${field}: ${message} in ${JSON.stringify(causes, null, 1)}`);
    }
    const kind = before.body.kind;
    assert.ok(reply.body.message.includes(` "${before.body.metadata.name}" is invalid: `), reply.body.message);
    assert.ok(reply.body.message.startsWith(kind) || reply.body.message.includes(`${kind}.`), reply.body.message);
    // Controllers may write status meanwhile (a real DaemonSet's), so compare all but that.
    const now = await http("GET", path);
    assert.deepEqual(written(now.body), written(before.body), "the object changed");
  });
}
