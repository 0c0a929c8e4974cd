// The create wizard's edit of an existing workload, run in Node: the form
// is read out of the object, and writing it back changes only what the form
// changed (web/src/apps/formEdit.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KObject } from "../../web/src/api/apps.ts";
import { formOf, mergeForm } from "../../web/src/apps/formEdit.ts";

const deployment = (): KObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web", team: "blue" }, resourceVersion: "42" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "50%", maxUnavailable: 0 } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        volumes: [{ name: "data", emptyDir: {} }],
        containers: [
          {
            name: "main",
            image: "nginx:1.27",
            command: ["sh", "-c", "echo hi && sleep 1d"],
            ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
            env: [
              { name: "A", value: "1" },
              { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "B", valueFrom: { configMapKeyRef: { name: "settings", key: "b", optional: true } } },
            ],
            resources: { limits: { cpu: "1", "nvidia.com/gpu": "1" } },
            readinessProbe: { httpGet: { path: "/healthz", port: 80, scheme: "HTTP" }, periodSeconds: 3, failureThreshold: 5 },
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
          { name: "sidecar", image: "busybox:1.36" },
        ],
      },
    },
  },
});

const container = (o: KObject, i = 0) => o.spec.template.spec.containers[i];

test("a form read from a workload and written back unchanged gives the same object", () => {
  const o = deployment();
  const f = formOf(o);
  assert.equal(f.command, "sh -c 'echo hi && sleep 1d'");
  assert.equal(f.ports, "80");
  assert.deepEqual(
    f.env.map((r) => r.name),
    ["A", "B"],
    "a variable from a fieldRef has no row",
  );
  assert.deepEqual(mergeForm(o, f, f), o);
});

test("only the fields changed in the form change; the rest of the object is as it was", () => {
  const o = deployment();
  const before = formOf(o);
  const after = { ...before, image: "nginx:1.28", replicas: "3", env: before.env.map((r) => (r.name === "A" ? { ...r, value: "2" } : r)) };
  const m = mergeForm(o, before, after);
  assert.equal(container(m).image, "nginx:1.28");
  assert.equal(m.spec.replicas, 3);
  assert.deepEqual(container(m).env, [
    { name: "A", value: "2" },
    { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    // Unchanged, it keeps what the form has no field for (optional).
    { name: "B", valueFrom: { configMapKeyRef: { name: "settings", key: "b", optional: true } } },
  ]);
  assert.deepEqual({ ...container(m), image: "nginx:1.27", env: container(o).env }, container(o));
  assert.deepEqual(container(m, 1), container(o, 1));
  assert.deepEqual(m.spec.template.spec.volumes, o.spec.template.spec.volumes);
  assert.deepEqual(m.spec.strategy, o.spec.strategy);
  assert.equal(m.metadata.resourceVersion, "42", "the update carries the version read");
});

test("a removed variable goes, a new one is added last, and a fieldRef one stays in its place", () => {
  const o = deployment();
  const before = formOf(o);
  const after = { ...before, env: [before.env[1], { name: "C", source: "value" as const, value: "3", ref: "", key: "" }] };
  assert.deepEqual(
    container(mergeForm(o, before, after)).env.map((e: { name: string }) => e.name),
    ["POD", "B", "C"],
  );
});

test("a port kept keeps its name and protocol; a new one is added", () => {
  const o = deployment();
  const before = formOf(o);
  assert.deepEqual(container(mergeForm(o, before, { ...before, ports: "80, 443" })).ports, [
    { name: "http", containerPort: 80, protocol: "TCP" },
    { containerPort: 443 },
  ]);
});

test("a probe changed to another check keeps its timings; limits the form does not know stay", () => {
  const o = deployment();
  const before = formOf(o);
  const m = mergeForm(o, before, {
    ...before,
    readiness: { type: "tcp", path: "/", port: "80" },
    limits: { ...before.limits, cpu: "" },
  });
  assert.deepEqual(container(m).readinessProbe, { periodSeconds: 3, failureThreshold: 5, tcpSocket: { port: 80 } });
  assert.deepEqual(container(m).resources, { limits: { "nvidia.com/gpu": "1" } });
});

test("a Deployment changed to Recreate loses its rollingUpdate, which the member would refuse", () => {
  // apps validation (ValidateDeploymentStrategy): rollingUpdate "may not be specified when strategy `type` is 'Recreate'".
  const o = deployment();
  const before = formOf(o);
  assert.deepEqual(mergeForm(o, before, { ...before, strategy: "Recreate" }).spec.strategy, { type: "Recreate" });
});

test("labels and annotations change key by key", () => {
  const o = deployment();
  o.metadata.annotations = { "deployment.kubernetes.io/revision": "1", note: "x" };
  const before = formOf(o);
  const m = mergeForm(o, before, {
    ...before,
    labels: { app: "web", tier: "front" },
    annotations: { ...before.annotations, note: "" },
  });
  assert.deepEqual(m.metadata.labels, { app: "web", tier: "front" });
  assert.deepEqual(m.metadata.annotations, { "deployment.kubernetes.io/revision": "1" });
});
