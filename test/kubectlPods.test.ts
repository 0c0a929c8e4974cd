// Pods and their templates through kubectl: which pod updates kube-apiserver
// allows, the tolerations DefaultTolerationSeconds adds, and a StatefulSet
// whose container mounts its volumeClaimTemplate. Runs against any cluster
// (KPANDA_TEST_KUBECONFIG); expected values come from Kubernetes, cited per test.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, startCluster, yamlDocs } from "./harness.ts";

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(() => cluster.close());

const pod = (ns: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: ns },
  spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...spec },
});

async function getPod(ns: string): Promise<any> {
  return JSON.parse((await cluster.kubectl(["-n", ns, "get", "pod", "p", "-o", "json"])).stdout);
}

/** kubectl patch that must fail; returns stderr after checking the pod did not change. */
async function refusedPatch(ns: string, type: string, patch: unknown): Promise<string> {
  const before = await getPod(ns);
  const res = await cluster.kubectl(
    ["-n", ns, "patch", "pod", "p", `--type=${type}`, "-p", JSON.stringify(patch)],
    {
      allowFail: true,
    },
  );
  assert.notEqual(res.code, 0, res.stdout);
  const after = await getPod(ns);
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion, "the pod was not written");
  assert.deepEqual(after.spec, before.spec);
  return res.stderr;
}

// pkg/apis/core/validation/validation.go, ValidatePodUpdate (1.32): the
// updatablePodSpecFields message, then a diff of the specs. 1.20 worded it
// "… `spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to
// existing tolerations)", with a diff.ObjectDiff.
const FORBIDDEN =
  'The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n';
const FORBIDDEN_1_20 =
  'The Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to existing tolerations)\n';
const isForbidden = (stderr: string) => stderr.startsWith(FORBIDDEN) || stderr.startsWith(FORBIDDEN_1_20);

test("a pod's image may change; ports, restartPolicy and the node may not, and nothing is written", async () => {
  const ns = await cluster.namespace("pod-update");
  await cluster.apply(yamlDocs(pod(ns)));
  const set = await cluster.kubectl(["-n", ns, "set", "image", "pod/p", "c=nginx:1.28"]);
  assert.equal(set.stdout, "pod/p image updated\n");
  assert.equal((await getPod(ns)).spec.containers[0].image, "nginx:1.28");

  const ports = await refusedPatch(ns, "strategic", {
    spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
  });
  assert.ok(isForbidden(ports), ports);
  const restart = await refusedPatch(ns, "merge", { spec: { restartPolicy: "Never" } });
  assert.ok(isForbidden(restart), restart);
  const node = await refusedPatch(ns, "merge", { spec: { nodeName: "somewhere" } });
  assert.ok(isForbidden(node), node);
  // Adding a container is refused before the spec is compared (ValidateContainerUpdates).
  const add = await refusedPatch(ns, "json", [
    { op: "add", path: "/spec/containers/-", value: { name: "d", image: "busybox" } },
  ]);
  assert.equal(
    add,
    'The Pod "p" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers\n',
  );
});

test("kubectl replace of a pod with a changed spec is refused the same way", async () => {
  const ns = await cluster.namespace("pod-replace");
  await cluster.apply(yamlDocs(pod(ns)));
  const live = await getPod(ns);
  live.spec.containers[0].env = [{ name: "MODE", value: "b" }];
  const res = await cluster.kubectl(["replace", "-f", "-"], { input: JSON.stringify(live), allowFail: true });
  assert.notEqual(res.code, 0);
  assert.ok(isForbidden(res.stderr), res.stderr);
  assert.equal((await getPod(ns)).spec.containers[0].env, undefined);
});

test("activeDeadlineSeconds may be set and lowered, not raised", async () => {
  const ns = await cluster.namespace("pod-deadline");
  await cluster.apply(yamlDocs(pod(ns)));
  await cluster.kubectl(["-n", ns, "patch", "pod", "p", "-p", '{"spec":{"activeDeadlineSeconds":600}}']);
  await cluster.kubectl(["-n", ns, "patch", "pod", "p", "-p", '{"spec":{"activeDeadlineSeconds":300}}']);
  assert.equal((await getPod(ns)).spec.activeDeadlineSeconds, 300);
  const raised = await refusedPatch(ns, "merge", { spec: { activeDeadlineSeconds: 900 } });
  assert.equal(
    raised,
    'The Pod "p" is invalid: spec.activeDeadlineSeconds: Invalid value: 900: must be less than or equal to previous value\n',
  );
});

// ValidatePodUpdate's one relaxation of terminationGracePeriodSeconds; a
// negative value is valid on create in 1.20 and 1.32 (1.32 warns).
test("terminationGracePeriodSeconds may change only from a negative value to 1", async () => {
  const ns = await cluster.namespace("pod-grace");
  await cluster.apply(yamlDocs(pod(ns, { terminationGracePeriodSeconds: -1 })));
  const two = await refusedPatch(ns, "merge", { spec: { terminationGracePeriodSeconds: 2 } });
  assert.ok(isForbidden(two), two);
  const one = await cluster.kubectl(
    ["-n", ns, "patch", "pod", "p", "-p", '{"spec":{"terminationGracePeriodSeconds":1}}'],
    {
      allowFail: true,
    },
  );
  // v1.20 predates the relaxation: it refuses this too, with its own wording.
  if (one.stderr.startsWith(FORBIDDEN_1_20)) return;
  assert.equal(one.code, 0, one.stderr);
  assert.equal((await getPod(ns)).spec.terminationGracePeriodSeconds, 1);
});

// plugin/pkg/admission/defaulttolerationseconds/admission.go (Admit): unless a
// toleration already covers the taint (its key or no key, NoExecute or no
// effect), not-ready and unreachable NoExecute tolerations for 300 s.
test("a new pod gets the not-ready and unreachable tolerations of DefaultTolerationSeconds", async () => {
  const ns = await cluster.namespace("pod-tolerations");
  await cluster.apply(yamlDocs(pod(ns)));
  assert.deepEqual((await getPod(ns)).spec.tolerations, [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    {
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 300,
    },
  ]);
  const own = {
    key: "node.kubernetes.io/unreachable",
    operator: "Exists",
    effect: "NoExecute",
    tolerationSeconds: 30,
  };
  const p2 = { ...pod(ns, { tolerations: [own] }), metadata: { name: "q", namespace: ns } };
  await cluster.apply(yamlDocs(p2));
  const q = JSON.parse((await cluster.kubectl(["-n", ns, "get", "pod", "q", "-o", "json"])).stdout);
  assert.deepEqual(q.spec.tolerations, [
    own,
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ]);
});

// validateOnlyAddedTolerations: existing ones stay (their tolerationSeconds may change), new ones may come.
test("tolerations may be added to a pod, not modified or removed", async () => {
  const ns = await cluster.namespace("pod-tol-update");
  await cluster.apply(yamlDocs(pod(ns)));
  const extra = { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" };
  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "pod",
    "p",
    "--type=json",
    "-p",
    JSON.stringify([{ op: "add", path: "/spec/tolerations/-", value: extra }]),
  ]);
  assert.deepEqual((await getPod(ns)).spec.tolerations.at(-1), extra);
  await cluster.kubectl([
    "-n",
    ns,
    "patch",
    "pod",
    "p",
    "--type=json",
    "-p",
    '[{"op":"replace","path":"/spec/tolerations/0/tolerationSeconds","value":60}]',
  ]);
  assert.equal((await getPod(ns)).spec.tolerations[0].tolerationSeconds, 60);
  const changed = await refusedPatch(ns, "json", [
    { op: "replace", path: "/spec/tolerations/2/value", value: "cpu" },
  ]);
  assert.equal(
    changed,
    'The Pod "p" is invalid: spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds\n',
  );
});

// pkg/apis/apps/validation (ValidatePodTemplateSpecForStatefulSet): the
// template's pod spec is not validated, so a mount of a claim template is fine.
test("a StatefulSet mounting its volumeClaimTemplate, with no volumes entry, is created", async () => {
  const ns = await cluster.namespace("sts-claims");
  const sts = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: ns },
    spec: {
      serviceName: "db",
      replicas: 0,
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: {
          containers: [
            {
              name: "db",
              image: "postgres:16",
              volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
    },
  };
  const res = await cluster.apply(yamlDocs(sts));
  assert.equal(res.stdout, "statefulset.apps/db created\n");
  // A Deployment's template is a pod spec: the same mount there is refused.
  const dep = { ...sts, kind: "Deployment", metadata: { name: "web", namespace: ns } } as Record<string, any>;
  delete dep.spec.serviceName;
  delete dep.spec.volumeClaimTemplates;
  const bad = await cluster.apply(yamlDocs(dep)).catch((e: Error) => e.message);
  assert.match(
    String(bad),
    /spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\]\.name: Not found: "data"/,
  );
});
