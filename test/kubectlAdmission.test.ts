// kubectl against the admission plugins: ResourceQuota, LimitRanger,
// PodSecurity, ServiceAccount and DefaultStorageClass.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const pod = (ns: string, name: string, container: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns },
  spec: { containers: [{ name: "c", image: "nginx:1.27", ...container }] },
});

async function getJson(ns: string, ...what: string[]): Promise<any> {
  return JSON.parse((await cluster.kubectl(["-n", ns, "get", ...what, "-o", "json"])).stdout);
}

/** Polls until status.used of the quota has every key of spec.hard (the controller has seen it). */
async function quotaReady(ns: string, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const q = await getJson(ns, "resourcequota", name);
    const used = q.status?.used ?? {};
    if (Object.keys(q.spec.hard).every((k) => k in used)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`quota ${ns}/${name} never got its status`);
}

test("a pod beyond the pods quota is refused with the exceeded-quota message", async () => {
  const ns = await cluster.namespace("adm-quota");
  await cluster.kubectl(["-n", ns, "create", "quota", "q", "--hard=pods=2,configmaps=10"]);
  await quotaReady(ns, "q");
  await cluster.apply(yamlDocs(pod(ns, "p1"), pod(ns, "p2")));
  const third = await cluster.kubectl(["-n", ns, "create", "-f", "-"], {
    input: yamlDocs(pod(ns, "p3")),
    allowFail: true,
  });
  assert.equal(third.code, 1);
  assert.match(
    third.stderr,
    /Error from server \(Forbidden\): error when creating "STDIN": pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/,
  );
  const q = await getJson(ns, "resourcequota", "q");
  assert.deepEqual(q.status.hard, { configmaps: "10", pods: "2" });
  assert.equal(q.status.used.pods, "2");
  const described = await cluster.kubectl(["-n", ns, "describe", "quota", "q"]);
  assert.match(described.stdout, /pods\s+2\s+2/);
});

test("LimitRange defaults show up on a new pod", async () => {
  const ns = await cluster.namespace("adm-limits");
  await cluster.apply(
    yamlDocs({
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "defaults", namespace: ns },
      spec: { limits: [{ type: "Container", default: { cpu: "500m", memory: "256Mi" }, defaultRequest: { cpu: "100m", memory: "128Mi" }, max: { cpu: "1" } }] },
    }),
  );
  await cluster.apply(yamlDocs(pod(ns, "web")));
  const yaml = (await cluster.kubectl(["-n", ns, "get", "pod", "web", "-o", "yaml"])).stdout;
  assert.match(yaml, /kubernetes.io\/limit-ranger: 'LimitRanger plugin set: cpu, memory request for container/);
  assert.match(yaml, /resources:\n {6}limits:\n {8}cpu: 500m\n {8}memory: 256Mi\n {6}requests:\n {8}cpu: 100m\n {8}memory: 128Mi\n/);
  const p = await getJson(ns, "pod", "web");
  assert.equal(
    p.metadata.annotations["kubernetes.io/limit-ranger"],
    "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for container c",
  );
  assert.deepEqual(p.spec.containers[0].resources, {
    limits: { cpu: "500m", memory: "256Mi" },
    requests: { cpu: "100m", memory: "128Mi" },
  });
  assert.equal(p.status.qosClass, "Burstable");
  const big = await cluster.kubectl(["-n", ns, "create", "-f", "-"], {
    input: yamlDocs(pod(ns, "big", { resources: { limits: { cpu: "2" } } })),
    allowFail: true,
  });
  assert.match(big.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
});

test("a privileged pod is refused under enforce=baseline, and warn=restricted prints a warning", async () => {
  const ns = await cluster.namespace("adm-pss");
  await cluster.kubectl([
    "label",
    "namespace",
    ns,
    "pod-security.kubernetes.io/enforce=baseline",
    "pod-security.kubernetes.io/warn=restricted",
  ]);
  const priv = await cluster.kubectl(["-n", ns, "create", "-f", "-"], {
    input: yamlDocs(pod(ns, "priv", { securityContext: { privileged: true } })),
    allowFail: true,
  });
  assert.equal(priv.code, 1);
  assert.match(
    priv.stderr,
    /pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "c" must not set securityContext.privileged=true\)/,
  );
  const plain = await cluster.kubectl(["-n", ns, "create", "-f", "-"], { input: yamlDocs(pod(ns, "plain")) });
  assert.match(plain.stdout, /pod\/plain created/);
  assert.match(
    plain.stderr,
    /Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "c" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities/,
  );
  const bad = await cluster.kubectl(["label", "namespace", ns, "pod-security.kubernetes.io/enforce=strict", "--overwrite"], {
    allowFail: true,
  });
  assert.match(bad.stderr, /Invalid value: "strict": must be one of privileged, baseline, restricted/);
});

test("a pod gets the default ServiceAccount and its token volume", async () => {
  const ns = await cluster.namespace("adm-sa");
  await cluster.apply(yamlDocs(pod(ns, "p")));
  const p = await getJson(ns, "pod", "p");
  assert.equal(p.spec.serviceAccountName, "default");
  const vol = p.spec.volumes.find((v: any) => v.name.startsWith("kube-api-access-"));
  assert.ok(vol?.projected, "projected token volume");
  assert.deepEqual(p.spec.containers[0].volumeMounts, [
    { mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", name: vol.name, readOnly: true },
  ]);
  const missing = await cluster.kubectl(["-n", ns, "create", "-f", "-"], {
    input: yamlDocs({ ...pod(ns, "q"), spec: { serviceAccountName: "ghost", containers: [{ name: "c", image: "nginx" }] } }),
    allowFail: true,
  });
  assert.match(missing.stderr, /pods "q" is forbidden: error looking up service account .*\/ghost: serviceaccount "ghost" not found/);
});

test("a PVC without a class gets the default StorageClass", async (t) => {
  if (!cluster.server) return t.skip("creates a cluster-wide default StorageClass");
  const ns = await cluster.namespace("adm-sc");
  const sc = `adm-default-${ns}`;
  await cluster.apply(
    yamlDocs({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: sc, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "kpanda.io/fake",
    }),
  );
  await cluster.apply(
    yamlDocs({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: ns },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    }),
  );
  const out = await cluster.kubectl(["-n", ns, "get", "pvc", "data", "-o", "jsonpath={.spec.storageClassName}"]);
  assert.equal(out.stdout, sc);
  await cluster.kubectl(["delete", "storageclass", sc]);
});
