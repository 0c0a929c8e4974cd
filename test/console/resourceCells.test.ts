// The cells the console's Services, Ingresses, ConfigMaps and PVC lists
// show (web/src/resources/model.ts) are the ones the server prints for
// `kubectl get`: each object is read as a server-side Table with the object
// included (what kubectl asks for), and the console's cell for each column
// is compared with the server's. Runs against any cluster named by
// KPANDA_TEST_KUBECONFIG (a real kube-apiserver prints with
// pkg/printers/internalversion/printers.go), else against our server. The
// YAML a create page starts from is checked by a server-side dry run too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  configMapDataCount,
  ingressAddress,
  ingressClass,
  ingressHosts,
  ingressPorts,
  pvcCells,
  RESOURCE_PLURALS,
  serviceClusterIP,
  serviceExternalIP,
  servicePorts,
  templateOf,
} from "../../web/src/resources/model.ts";
import { type Cluster, startCluster, yamlDocs } from "../harness.ts";
import { type KubeHttp, kubeHttp } from "../kubeHttp.ts";
import { until } from "../platform/members.ts";

let cluster: Cluster;
let http: KubeHttp;
let ns = "";

before(async () => {
  cluster = await startCluster();
  http = await kubeHttp(cluster.kubeconfigPath);
  ns = await cluster.namespace("cells");
});
/** Cluster-scoped volumes the tests made, deleted at the end (the namespace takes the rest). */
const volumes: string[] = [];
after(async () => {
  for (const v of volumes) await http("DELETE", `/api/v1/persistentvolumes/${v}`);
  await cluster?.close();
});

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

/** The server's Table of a collection: per object, its cells by column name, and the object. */
async function table(path: string): Promise<{ cells: Record<string, unknown>; object: any }[]> {
  const r = await http("GET", `${path}?includeObject=Object`, undefined, "application/json", TABLE);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const names: string[] = r.body.columnDefinitions.map((c: { name: string }) => c.name);
  return r.body.rows.map((row: { cells: unknown[]; object: any }) => ({
    cells: Object.fromEntries(names.map((n, i) => [n, row.cells[i]])),
    object: row.object,
  }));
}

async function setStatus(path: string, status: object) {
  const r = await http("PATCH", path, { status }, "application/merge-patch+json");
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** Compares, per object, each named column with the console's cell (as text). */
function same(rows: { cells: Record<string, unknown>; object: any }[], cells: [column: string, cell: (o: any) => unknown][]) {
  assert.ok(rows.length > 0);
  for (const { cells: server, object } of rows) {
    for (const [column, cell] of cells) {
      assert.equal(String(cell(object)), String(server[column]), `${object.metadata.name}: ${column}`);
    }
  }
}

test("Service cells are kubectl get's: type, cluster IP, external IP, ports", async () => {
  const svc = (name: string, spec: object) => ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec });
  await cluster.apply(
    yamlDocs(
      svc("plain", { selector: { app: "a" }, ports: [{ name: "http", port: 80 }, { name: "dns", port: 53, protocol: "UDP" }] }),
      svc("node", { type: "NodePort", selector: { app: "a" }, ports: [{ port: 8080, nodePort: 30080 }] }),
      svc("balanced", { type: "LoadBalancer", selector: { app: "a" }, ports: [{ port: 443 }] }),
      svc("outside", { type: "ExternalName", externalName: "db.example.com" }),
      svc("pinned", { selector: { app: "a" }, externalIPs: ["203.0.113.7"], ports: [{ port: 80 }] }),
    ),
  );
  // A load balancer's addresses, as a cloud's controller would write them: IPs, else hostnames, sorted.
  await setStatus(`/api/v1/namespaces/${ns}/services/balanced/status`, {
    loadBalancer: { ingress: [{ ip: "198.51.100.9" }, { hostname: "lb.example.com" }, { ip: "198.51.100.10" }] },
  });
  same(await table(`/api/v1/namespaces/${ns}/services`), [
    ["Type", (o) => o.spec.type],
    ["Cluster-IP", serviceClusterIP],
    ["External-IP", serviceExternalIP],
    ["Port(s)", servicePorts],
  ]);
});

test("Ingress cells are kubectl get's: class, hosts, address, ports", async () => {
  const backend = { service: { name: "web", port: { number: 80 } } };
  const rule = (host?: string) => ({ ...(host ? { host } : {}), http: { paths: [{ path: "/", pathType: "Prefix", backend }] } });
  const ing = (name: string, spec: object) => ({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name, namespace: ns }, spec });
  await cluster.apply(
    yamlDocs(
      ing("classy", { ingressClassName: "nginx", rules: [rule("a.example.com"), rule("b.example.com")], tls: [{ hosts: ["a.example.com"] }] }),
      ing("anyhost", { rules: [rule()] }),
      ing("many", { rules: [rule("1.example.com"), rule("2.example.com"), rule("3.example.com"), rule("4.example.com"), rule("5.example.com")] }),
    ),
  );
  await setStatus(`/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses/classy/status`, {
    loadBalancer: { ingress: [{ hostname: "edge.example.com" }, { ip: "192.0.2.4" }] },
  });
  same(await table(`/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`), [
    ["Class", ingressClass],
    ["Hosts", ingressHosts],
    ["Address", ingressAddress],
    ["Ports", ingressPorts],
  ]);
});

test("ConfigMap cells are kubectl get's: the count of data and binaryData keys", async () => {
  await cluster.apply(
    yamlDocs(
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "two", namespace: ns }, data: { a: "1", b: "2" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mixed", namespace: ns }, data: { a: "1" }, binaryData: { b: "AAE=" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "empty", namespace: ns } },
    ),
  );
  same(await table(`/api/v1/namespaces/${ns}/configmaps`), [["Data", configMapDataCount]]);
});

test("PersistentVolumeClaim cells are kubectl get's: status, volume, capacity, access modes, storage class", async () => {
  const pvc = (name: string, spec: object) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: ns },
    spec: { accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: { requests: { storage: "1Gi" } }, ...spec },
  });
  // A claim bound to a volume made for it: capacity and access modes are printed only once bound (from its status).
  const pv = `cells-${ns}`;
  await cluster.apply(
    yamlDocs({
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: pv },
      spec: { capacity: { storage: "2Gi" }, accessModes: ["ReadWriteOnce"], storageClassName: "manual", hostPath: { path: "/tmp/cells" } },
    }),
  );
  volumes.push(pv);
  await cluster.apply(
    yamlDocs(
      pvc("classless", { storageClassName: "" }),
      pvc("fast", { storageClassName: "fast-ssd" }),
      pvc("bound", { storageClassName: "manual", volumeName: pv, accessModes: ["ReadWriteOnce"] }),
    ),
  );
  // What the volume controller writes when it binds them (a server without one gets it from the test).
  const status = { status: { phase: "Bound", capacity: { storage: "2Gi" }, accessModes: ["ReadWriteOnce"] } };
  await setStatus(`/api/v1/namespaces/${ns}/persistentvolumeclaims/bound/status`, status.status);
  await until("the claim bound", async () => {
    const r = await http("GET", `/api/v1/namespaces/${ns}/persistentvolumeclaims/bound`);
    return r.body?.status?.phase === "Bound";
  }, 60_000);
  const rows = await table(`/api/v1/namespaces/${ns}/persistentvolumeclaims`);
  const bound = rows.find((r) => r.object.metadata.name === "bound")!.cells;
  assert.deepEqual([bound.Status, bound.Capacity, bound["Access Modes"]], ["Bound", "2Gi", "RWO"], "the bound branch is exercised");
  same(rows, [
    ["Status", (o) => pvcCells(o).status],
    ["Volume", (o) => pvcCells(o).volume],
    ["Capacity", (o) => pvcCells(o).capacity],
    ["Access Modes", (o) => pvcCells(o).accessModes],
    ["StorageClass", (o) => pvcCells(o).storageClass],
  ]);
});

test("the YAML each kind's create page starts from is accepted by the server (a server-side dry run)", async () => {
  for (const plural of RESOURCE_PLURALS) {
    const r = await cluster.kubectl(["create", "--dry-run=server", "-o", "name", "-f", "-"], { input: templateOf(plural, ns), allowFail: true });
    assert.equal(r.code, 0, `${plural}: ${r.stderr}`);
  }
});
