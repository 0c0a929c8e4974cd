import assert from "node:assert/strict";
import { test } from "node:test";
import { ago, columnNames, info, row } from "./testing.ts";

const services = info("", "services");
const nodes = info("", "nodes");
const meta = (name: string) => ({ name, namespace: "default", creationTimestamp: ago(125) });

test("service columns are NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE, and wide adds SELECTOR", () => {
  assert.deepEqual(columnNames(services), ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"]);
  assert.deepEqual(columnNames(services, true).slice(6), ["Selector"]);
});

test("a NodePort service prints port:nodePort/protocol and <none> for external IPs", () => {
  const r = row(services, {
    metadata: meta("web"),
    spec: {
      type: "NodePort",
      clusterIP: "10.96.12.34",
      clusterIPs: ["10.96.12.34"],
      selector: { tier: "web", app: "shop" },
      ports: [
        { port: 80, nodePort: 30080, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
      ],
    },
  });
  assert.deepEqual(Object.values(r), [
    "web",
    "NodePort",
    "10.96.12.34",
    "<none>",
    "80:30080/TCP,53/UDP",
    "2m5s",
    "app=shop,tier=web",
  ]);
});

test("a LoadBalancer without ingress is <pending>; with ingress it lists sorted unique addresses", () => {
  const spec = { type: "LoadBalancer", clusterIPs: ["10.96.0.10"], ports: [{ port: 443 }] };
  assert.equal(row(services, { metadata: meta("lb"), spec })["External-IP"], "<pending>");
  const status = {
    loadBalancer: { ingress: [{ ip: "203.0.113.9" }, { hostname: "lb.example.com" }, { ip: "203.0.113.9" }] },
  };
  const r = row(services, { metadata: meta("lb"), spec, status });
  assert.equal(r["External-IP"], "203.0.113.9,lb.example.com");
  assert.equal(r["Port(s)"], "443/TCP");
});

test("headless and ExternalName services print None / <none> cluster IPs and the external name", () => {
  const headless = row(services, { metadata: meta("db"), spec: { clusterIP: "None", clusterIPs: ["None"] } });
  assert.equal(headless.Type, "ClusterIP");
  assert.equal(headless["Cluster-IP"], "None");
  assert.equal(headless["Port(s)"], "<none>");
  assert.equal(headless.Selector, "<none>");
  const ext = row(services, {
    metadata: meta("ext"),
    spec: { type: "ExternalName", externalName: "db.example.com" },
  });
  assert.equal(ext["Cluster-IP"], "<none>");
  assert.equal(ext["External-IP"], "db.example.com");
});

test("a cordoned control-plane node reads Ready,SchedulingDisabled with its role and wide system info", () => {
  const r = row(nodes, {
    metadata: {
      name: "cp-1",
      creationTimestamp: ago(3 * 86400 + 4 * 3600),
      labels: { "node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master", zone: "a" },
    },
    spec: { unschedulable: true },
    status: {
      conditions: [
        { type: "MemoryPressure", status: "False" },
        { type: "Ready", status: "True" },
      ],
      addresses: [
        { type: "Hostname", address: "cp-1" },
        { type: "InternalIP", address: "172.18.0.2" },
      ],
      nodeInfo: {
        kubeletVersion: "v1.32.0",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        kernelVersion: "6.1.0",
      },
    },
  });
  assert.deepEqual(Object.values(r), [
    "cp-1",
    "Ready,SchedulingDisabled",
    "control-plane,master",
    "3d4h",
    "v1.32.0",
    "172.18.0.2",
    "<none>",
    "Debian GNU/Linux 12 (bookworm)",
    "6.1.0",
    "<unknown>",
  ]);
});

test("a node without a Ready condition is Unknown and one whose Ready is not True is NotReady", () => {
  assert.equal(row(nodes, { metadata: { name: "n" }, status: {} }).Status, "Unknown");
  const notReady = row(nodes, {
    metadata: { name: "n" },
    status: { conditions: [{ type: "Ready", status: "Unknown" }] },
  });
  assert.equal(notReady.Status, "NotReady");
  assert.equal(notReady.Roles, "<none>");
  assert.equal(notReady.Age, "<unknown>");
});

test("endpoints list three ip:port pairs then a count of the rest", () => {
  const r = row(info("", "endpoints"), {
    metadata: meta("web"),
    subsets: [
      {
        addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "fd00::3" }],
        ports: [{ port: 8080 }, { port: 9090 }],
      },
    ],
  });
  assert.equal(r.Endpoints, "10.0.0.1:8080,10.0.0.2:8080,[fd00::3]:8080 + 3 more...");
  assert.equal(row(info("", "endpoints"), { metadata: meta("none") }).Endpoints, "<none>");
});

test("configmaps count data and binaryData keys; secrets print type and key count", () => {
  const cm = row(info("", "configmaps"), {
    metadata: meta("cfg"),
    data: { a: "1", b: "2" },
    binaryData: { c: "AA==" },
  });
  assert.equal(cm.Data, 3);
  const s = row(info("", "secrets"), {
    metadata: meta("tls"),
    type: "kubernetes.io/tls",
    data: { "tls.crt": "", "tls.key": "" },
  });
  assert.deepEqual([s.Type, s.Data], ["kubernetes.io/tls", 2]);
  const sa = row(info("", "serviceaccounts"), { metadata: meta("default") });
  assert.equal(sa.Secrets, 0);
});

test("resource quotas split request and limit usage, sorted by resource name", () => {
  const r = row(info("", "resourcequotas"), {
    metadata: meta("q"),
    status: {
      hard: { "limits.memory": "2Gi", pods: "10", "requests.cpu": "1", "limits.cpu": "2" },
      used: { pods: "3", "requests.cpu": "500m", "limits.cpu": "1" },
    },
  });
  assert.equal(r.Request, "pods: 3/10, requests.cpu: 500m/1");
  assert.equal(r.Limit, "limits.cpu: 1/2, limits.memory: 0/2Gi");
});

test("a bound PVC shows its volume, capacity and access modes; a PV shows its claim", () => {
  const pvc = row(info("", "persistentvolumeclaims"), {
    metadata: meta("data"),
    spec: { volumeName: "pv-1", storageClassName: "standard", resources: { requests: { storage: "1Gi" } } },
    status: {
      phase: "Bound",
      capacity: { storage: "10Gi" },
      accessModes: ["ReadWriteMany", "ReadWriteOnce"],
    },
  });
  assert.deepEqual(Object.values(pvc), [
    "data",
    "Bound",
    "pv-1",
    "10Gi",
    "RWO,RWX",
    "standard",
    "<unset>",
    "2m5s",
    "<unset>",
  ]);
  const pv = row(info("", "persistentvolumes"), {
    metadata: { name: "pv-1", creationTimestamp: ago(125), deletionTimestamp: ago(0) },
    spec: {
      capacity: { storage: "10Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      claimRef: { namespace: "default", name: "data" },
      volumeMode: "Filesystem",
    },
    status: { phase: "Bound" },
  });
  assert.deepEqual(Object.values(pv), [
    "pv-1",
    "10Gi",
    "RWO",
    "Retain",
    "Terminating",
    "default/data",
    "",
    "<unset>",
    "",
    "2m5s",
    "Filesystem",
  ]);
});

test("the default storage class is marked (default) and unset policies print their defaults", () => {
  const r = row(info("storage.k8s.io", "storageclasses"), {
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
  });
  assert.deepEqual(Object.values(r).slice(0, 5), [
    "standard (default)",
    "rancher.io/local-path",
    "Delete",
    "Immediate",
    false,
  ]);
});
