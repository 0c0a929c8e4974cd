// kubectl get: output formats, watch events, chunked lists, the column
// headers of the built-in printers, and explain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { type Cluster, headers, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const configMap = (ns: string, name: string, data: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns, labels: { app: "demo" } },
  data,
});

test("get prints json, yaml, jsonpath, name and wide output of the same object", async () => {
  const ns = await cluster.namespace("get-output");
  await cluster.apply(yamlDocs(configMap(ns, "cfg", { color: "blue", size: "3" })));
  const get = (...args: string[]) => cluster.kubectl(["-n", ns, "get", "configmap", "cfg", ...args]);

  const json = JSON.parse((await get("-o", "json")).stdout);
  assert.equal(json.kind, "ConfigMap");
  assert.equal(json.apiVersion, "v1");
  assert.deepEqual(json.data, { color: "blue", size: "3" });
  assert.ok(json.metadata.uid && json.metadata.resourceVersion && json.metadata.creationTimestamp);

  const yaml = parseYaml((await get("-o", "yaml")).stdout);
  assert.equal(yaml.metadata.uid, json.metadata.uid);
  assert.deepEqual(yaml.data, json.data);

  assert.equal((await get("-o", "jsonpath={.data.color}/{.metadata.labels.app}")).stdout, "blue/demo");
  assert.equal((await get("-o", "name")).stdout, "configmap/cfg\n");

  const wide = (await get("-o", "wide")).stdout.trim().split("\n");
  assert.deepEqual(headers(wide[0]), ["NAME", "DATA", "AGE"]);
  assert.match(wide[1], /^cfg\s+2\s+\S+$/);

  // A list in json is a v1 List holding the items.
  const list = JSON.parse(
    (await cluster.kubectl(["-n", ns, "get", "configmaps", "-l", "app=demo", "-o", "json"])).stdout,
  );
  assert.equal(list.kind, "List");
  assert.deepEqual(
    list.items.map((i: any) => i.metadata.name),
    ["cfg"],
  );
});

// The timeout only bounds a hang if an event never comes; nothing here depends on timing.
test("get -w --output-watch-events prints ADDED, MODIFIED and DELETED lines for changes", {
  timeout: 30_000,
}, async (t) => {
  const ns = await cluster.namespace("get-watch");
  await cluster.apply(yamlDocs(configMap(ns, "watched", { v: "1" })));
  const watch = cluster.spawnKubectl(["-n", ns, "get", "configmaps", "-w", "--output-watch-events"]);
  t.after(() => watch.kill());
  const isEvent = (type: string, name: string) => (line: string) =>
    new RegExp(`^${type}\\s+${name}\\s`).test(line);

  await watch.waitForLine(isEvent("ADDED", "watched"));
  await cluster.kubectl(["-n", ns, "label", "configmap", "watched", "step=two"]);
  await watch.waitForLine(isEvent("MODIFIED", "watched"));
  await cluster.apply(yamlDocs(configMap(ns, "newcomer")));
  await watch.waitForLine(isEvent("ADDED", "newcomer"));
  await cluster.kubectl(["-n", ns, "delete", "configmap", "watched"]);
  await watch.waitForLine(isEvent("DELETED", "watched"));

  const lines = watch.lines();
  assert.deepEqual(headers(lines[0]), ["EVENT", "NAME", "DATA", "AGE"]);
  // Each event names the object once, in order.
  const ours = lines
    .filter((l) => /\s(watched|newcomer)\s/.test(l))
    .map((l) => l.split(/\s+/).slice(0, 2).join(" "));
  assert.deepEqual(ours, ["ADDED watched", "MODIFIED watched", "ADDED newcomer", "DELETED watched"]);
});

test("get --chunk-size lists every object across several pages", async () => {
  const ns = await cluster.namespace("get-chunks");
  const names = Array.from({ length: 7 }, (_, i) => `item-${i}`);
  await cluster.apply(yamlDocs(...names.map((n) => configMap(ns, n))));
  const res = await cluster.kubectl([
    "-n",
    ns,
    "get",
    "configmaps",
    "-l",
    "app=demo",
    "--chunk-size=3",
    "-o",
    "name",
    "-v=6",
  ]);
  assert.deepEqual(
    res.stdout.trim().split("\n"),
    names.map((n) => `configmap/${n}`),
  );
  // kubectl asked for pages of three and followed the continue token.
  const requests = res.stderr.split("\n").filter((l) => /GET https:\S+\/configmaps\?/.test(l));
  assert.ok(requests.length >= 3, res.stderr);
  assert.ok(
    requests.every((l) => l.includes("limit=3")),
    res.stderr,
  );
  assert.ok(
    requests.slice(1).every((l) => l.includes("continue=")),
    res.stderr,
  );

  const table = await cluster.kubectl(["-n", ns, "get", "configmaps", "-l", "app=demo", "--chunk-size=2"]);
  const rows = table.stdout.trim().split("\n");
  assert.deepEqual(headers(rows[0]), ["NAME", "DATA", "AGE"]);
  assert.deepEqual(
    rows.slice(1).map((r) => r.split(/\s+/)[0]),
    names,
  );
});

const pod = (ns: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-0", namespace: ns, labels: { app: "web" } },
  spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
});

const deployment = (ns: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: ns },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    },
  },
});

const service = (ns: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: ns },
  spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
});

test("get pods, deployments and services print kube-apiserver's column headers, plain and wide", async () => {
  const ns = await cluster.namespace("get-columns");
  await cluster.apply(yamlDocs(pod(ns), deployment(ns), service(ns)));
  const cols = async (...args: string[]) =>
    headers((await cluster.kubectl(["-n", ns, "get", ...args])).stdout);

  assert.deepEqual(await cols("pods"), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
  assert.deepEqual(await cols("pods", "-o", "wide"), [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
  ]);
  assert.deepEqual(await cols("deployments"), ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
  assert.deepEqual(await cols("deployments", "-o", "wide"), [
    "NAME",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "AGE",
    "CONTAINERS",
    "IMAGES",
    "SELECTOR",
  ]);
  assert.deepEqual(await cols("services"), ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]);
  assert.deepEqual(await cols("services", "-o", "wide"), [
    "NAME",
    "TYPE",
    "CLUSTER-IP",
    "EXTERNAL-IP",
    "PORT(S)",
    "AGE",
    "SELECTOR",
  ]);

  const svc = (await cluster.kubectl(["-n", ns, "get", "service", "web", "-o", "wide"])).stdout.split(
    "\n",
  )[1];
  assert.match(svc, /^web\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web$/);
  const dep = (await cluster.kubectl(["-n", ns, "get", "deployment", "web", "-o", "wide"])).stdout.split(
    "\n",
  )[1];
  assert.match(dep, /^web\s+\d\/1\s+\d\s+\d\s+\S+\s+web\s+nginx:1\.27\s+app=web$/);
});

test("get nodes prints kube-apiserver's column headers, plain and wide", async () => {
  if (cluster.server) {
    // Our server has no kubelets: register a Node with its status, as one would.
    await cluster.kubectl(["create", "-f", "-"], {
      input: yamlDocs({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "worker-1", labels: { "node-role.kubernetes.io/worker": "" } },
        status: {
          addresses: [{ type: "InternalIP", address: "10.0.0.11" }],
          conditions: [
            {
              type: "Ready",
              status: "True",
              reason: "KubeletReady",
              message: "kubelet is posting ready status",
            },
          ],
          nodeInfo: {
            kubeletVersion: "v1.32.0",
            osImage: "Ubuntu 24.04 LTS",
            kernelVersion: "6.8.0",
            containerRuntimeVersion: "containerd://1.7.22",
          },
        },
      }),
    });
  }
  const plain = (await cluster.kubectl(["get", "nodes"])).stdout;
  assert.deepEqual(headers(plain), ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
  const wide = (await cluster.kubectl(["get", "nodes", "-o", "wide"])).stdout;
  assert.deepEqual(headers(wide), [
    "NAME",
    "STATUS",
    "ROLES",
    "AGE",
    "VERSION",
    "INTERNAL-IP",
    "EXTERNAL-IP",
    "OS-IMAGE",
    "KERNEL-VERSION",
    "CONTAINER-RUNTIME",
  ]);
  if (cluster.server) {
    const row = wide.split("\n").find((l) => l.startsWith("worker-1 "));
    assert.match(
      row ?? "",
      /^worker-1\s+Ready\s+worker\s+\S+\s+v1\.32\.0\s+10\.0\.0\.11\s+<none>\s+Ubuntu 24\.04 LTS\s+6\.8\.0\s+containerd:\/\/1\.7\.22$/,
    );
  }
});

test("explain describes deployment.spec.replicas and pods.spec.containers", async () => {
  const replicas = (await cluster.kubectl(["explain", "deployment.spec.replicas"])).stdout;
  assert.match(replicas, /^GROUP:\s+apps$/m);
  assert.match(replicas, /^KIND:\s+Deployment$/m);
  assert.match(replicas, /^VERSION:\s+v1$/m);
  assert.match(replicas, /^FIELD: replicas <integer>$/m);
  assert.match(replicas, /Number of desired pods/);

  const containers = (await cluster.kubectl(["explain", "pods.spec.containers"])).stdout;
  assert.match(containers, /^KIND:\s+Pod$/m);
  assert.match(containers, /^FIELD: containers <\[\]Container>$/m);
  assert.match(containers, /^ {2}image\s+<string>$/m);
  assert.match(containers, /^ {2}name\s+<string> -required-$/m);
});
