import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults, setDefaultsFromSchema } from "./defaults.ts";
import { imageTag } from "./defaultsPod.ts";
import { deployment, infoFor, pod } from "./testing.ts";

test("a bare Pod gets the pod-spec and container defaults kube-apiserver shows", () => {
  const p = pod();
  applyDefaults(infoFor("Pod"), p);
  assert.deepEqual(p.spec, {
    containers: [
      {
        name: "web",
        image: "nginx:1.27",
        imagePullPolicy: "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        resources: {},
      },
    ],
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: "default-scheduler",
    enableServiceLinks: true,
  });
});

test("imagePullPolicy is Always only for :latest or an untagged image", () => {
  const cases: [string, string][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.27", "IfNotPresent"],
    ["localhost:5000/nginx", "Always"],
    ["localhost:5000/nginx:1", "IfNotPresent"],
    ["nginx@sha256:abcd", "IfNotPresent"],
  ];
  for (const [image, want] of cases) {
    const p = pod();
    p.spec.containers[0].image = image;
    applyDefaults(infoFor("Pod"), p);
    assert.equal(p.spec.containers[0].imagePullPolicy, want, image);
  }
  assert.equal(imageTag("a/b:c"), "c");
});

test("pod defaults fill ports, probes, env fieldRef, volumes and requests from limits", () => {
  const p = pod({
    volumes: [
      { name: "a" },
      { name: "b", configMap: { name: "x" } },
      { name: "c", secret: { secretName: "s" } },
      { name: "d", hostPath: { path: "/x" } },
    ],
  });
  Object.assign(p.spec.containers[0], {
    ports: [{ containerPort: 80 }],
    livenessProbe: { httpGet: { port: 80 } },
    env: [{ name: "N", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
    resources: { limits: { cpu: "1" } },
  });
  applyDefaults(infoFor("Pod"), p);
  const c = p.spec.containers[0];
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: "TCP" }]);
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 80, path: "/", scheme: "HTTP" },
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.equal(c.env[0].valueFrom.fieldRef.apiVersion, "v1");
  assert.deepEqual(c.resources.requests, { cpu: "1" });
  assert.deepEqual(p.spec.volumes, [
    { name: "a", emptyDir: {} },
    { name: "b", configMap: { name: "x", defaultMode: 420 } },
    { name: "c", secret: { secretName: "s", defaultMode: 420 } },
    { name: "d", hostPath: { path: "/x", type: "" } },
  ]);
});

test("hostNetwork pods default hostPort to containerPort", () => {
  const p = pod({ hostNetwork: true });
  p.spec.containers[0].ports = [{ containerPort: 8080 }];
  applyDefaults(infoFor("Pod"), p);
  assert.equal(p.spec.containers[0].ports[0].hostPort, 8080);
});

test("a Deployment gets replicas, strategy, limits and template defaults but no requests from limits", () => {
  const d = deployment();
  d.spec.template.spec.containers[0].resources = { limits: { cpu: "1" } };
  applyDefaults(infoFor("Deployment", "apps"), d);
  assert.equal(d.spec.replicas, 1);
  assert.deepEqual(d.spec.strategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
  });
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.metadata.creationTimestamp, null);
  assert.equal(d.spec.template.spec.restartPolicy, "Always");
  assert.equal(d.spec.template.spec.enableServiceLinks, undefined);
  assert.equal(d.spec.template.spec.containers[0].resources.requests, undefined);
  assert.equal(d.status, undefined);
});

test("a Recreate Deployment gets no rollingUpdate", () => {
  const d = deployment();
  d.spec.strategy = { type: "Recreate" };
  applyDefaults(infoFor("Deployment", "apps"), d);
  assert.deepEqual(d.spec.strategy, { type: "Recreate" });
});

test("StatefulSet, DaemonSet and ReplicaSet defaults", () => {
  const sts: any = {
    metadata: { name: "db" },
    spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: {} }] },
  };
  applyDefaults(infoFor("StatefulSet", "apps"), sts);
  assert.equal(sts.spec.podManagementPolicy, "OrderedReady");
  assert.deepEqual(sts.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, {
    whenDeleted: "Retain",
    whenScaled: "Retain",
  });
  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.revisionHistoryLimit, 10);
  assert.equal(sts.spec.volumeClaimTemplates[0].spec.volumeMode, "Filesystem");
  assert.deepEqual(sts.spec.volumeClaimTemplates[0].status, { phase: "Pending" });

  const ds: any = { metadata: { name: "d" }, spec: {} };
  applyDefaults(infoFor("DaemonSet", "apps"), ds);
  assert.deepEqual(ds.spec.updateStrategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
  });
  assert.equal(ds.spec.revisionHistoryLimit, 10);

  const rs: any = { metadata: { name: "r" }, spec: {} };
  applyDefaults(infoFor("ReplicaSet", "apps"), rs);
  assert.equal(rs.spec.replicas, 1);
});

test("Job defaults: completions and parallelism, backoffLimit, mode, suspend, replacement policy", () => {
  const j: any = {
    metadata: { name: "j" },
    spec: { template: { metadata: { labels: { a: "b" } }, spec: {} } },
  };
  applyDefaults(infoFor("Job", "batch"), j);
  const { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy } = j.spec;
  assert.deepEqual(
    { completions, parallelism, backoffLimit, completionMode, suspend, podReplacementPolicy },
    {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: "NonIndexed",
      suspend: false,
      podReplacementPolicy: "TerminatingOrFailed",
    },
  );
  assert.deepEqual(j.metadata.labels, { a: "b" });
  assert.equal(j.spec.manualSelector, false);

  const p: any = {
    metadata: { name: "j" },
    spec: { parallelism: 3, podFailurePolicy: { rules: [{ onPodConditions: [{ type: "X" }] }] } },
  };
  applyDefaults(infoFor("Job", "batch"), p);
  assert.equal(p.spec.completions, undefined);
  assert.equal(p.spec.podReplacementPolicy, "Failed");
  assert.equal(p.spec.podFailurePolicy.rules[0].onPodConditions[0].status, "True");
});

test("CronJob defaults and its job template's pod spec", () => {
  const cj: any = {
    metadata: { name: "c" },
    spec: {
      schedule: "* * * * *",
      jobTemplate: { spec: { template: { spec: { containers: [{ name: "a", image: "b" }] } } } },
    },
  };
  applyDefaults(infoFor("CronJob", "batch"), cj);
  assert.equal(cj.spec.concurrencyPolicy, "Allow");
  assert.equal(cj.spec.suspend, false);
  assert.equal(cj.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cj.spec.failedJobsHistoryLimit, 1);
  assert.equal(cj.spec.jobTemplate.spec.template.spec.restartPolicy, "Always");
  assert.equal(cj.spec.jobTemplate.spec.backoffLimit, undefined);
});

test("Service defaults per type", () => {
  const svc = (spec: any): any => ({ metadata: { name: "s" }, spec });
  const c = svc({ ports: [{ port: 80 }], selector: { app: "x" } });
  applyDefaults(infoFor("Service"), c);
  assert.deepEqual(c.spec, {
    ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
    selector: { app: "x" },
    sessionAffinity: "None",
    type: "ClusterIP",
    internalTrafficPolicy: "Cluster",
    ipFamilyPolicy: "SingleStack",
    ipFamilies: ["IPv4"],
  });
  const n = svc({ type: "NodePort", ports: [{ port: 80, targetPort: "http" }] });
  applyDefaults(infoFor("Service"), n);
  assert.equal(n.spec.externalTrafficPolicy, "Cluster");
  assert.equal(n.spec.ports[0].targetPort, "http");
  const lb = svc({ type: "LoadBalancer", ports: [{ port: 80 }] });
  applyDefaults(infoFor("Service"), lb);
  assert.equal(lb.spec.allocateLoadBalancerNodePorts, true);
  const en = svc({ type: "ExternalName", externalName: "example.com" });
  applyDefaults(infoFor("Service"), en);
  assert.equal(en.spec.ipFamilies, undefined);
  assert.equal(en.spec.internalTrafficPolicy, undefined);
  const aff = svc({ sessionAffinity: "ClientIP", ports: [{ port: 1 }] });
  applyDefaults(infoFor("Service"), aff);
  assert.deepEqual(aff.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  const headless = svc({ clusterIP: "None" });
  applyDefaults(infoFor("Service"), headless);
  assert.equal(headless.spec.ipFamilyPolicy, "RequireDualStack");
});

test("core kinds: Secret type, Namespace label and phase, PV and PVC, Node allocatable", () => {
  const s: any = { metadata: { name: "s" } };
  applyDefaults(infoFor("Secret"), s);
  assert.equal(s.type, "Opaque");
  const ns: any = { metadata: { name: "team-a" } };
  applyDefaults(infoFor("Namespace"), ns);
  assert.deepEqual(ns.metadata.labels, { "kubernetes.io/metadata.name": "team-a" });
  assert.deepEqual(ns.status, { phase: "Active" });
  const pv: any = { metadata: { name: "pv" }, spec: {} };
  applyDefaults(infoFor("PersistentVolume"), pv);
  assert.deepEqual(pv.spec, { persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem" });
  assert.deepEqual(pv.status, { phase: "Pending" });
  const pvc: any = { metadata: { name: "c" }, spec: {} };
  applyDefaults(infoFor("PersistentVolumeClaim"), pvc);
  assert.equal(pvc.spec.volumeMode, "Filesystem");
  assert.equal(pvc.status.phase, "Pending");
  const node: any = { metadata: { name: "n" }, status: { capacity: { cpu: "4" } } };
  applyDefaults(infoFor("Node"), node);
  assert.deepEqual(node.status.allocatable, { cpu: "4" });
});

test("HPA v2 fills minReplicas, a cpu metric, and behavior rules only when behavior is given", () => {
  const h: any = { metadata: { name: "h" }, spec: { maxReplicas: 3 } };
  applyDefaults(infoFor("HorizontalPodAutoscaler", "autoscaling", "v2"), h);
  assert.equal(h.spec.minReplicas, 1);
  assert.equal(h.spec.metrics[0].resource.target.averageUtilization, 80);
  assert.equal(h.spec.behavior, undefined);
  const b: any = {
    metadata: { name: "h" },
    spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
  };
  applyDefaults(infoFor("HorizontalPodAutoscaler", "autoscaling", "v2"), b);
  assert.deepEqual(b.spec.behavior.scaleUp.policies, [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ]);
  assert.equal(b.spec.behavior.scaleUp.stabilizationWindowSeconds, 0);
  assert.deepEqual(b.spec.behavior.scaleDown, {
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    stabilizationWindowSeconds: 60,
  });
});

test("NetworkPolicy, StorageClass, RBAC subjects and CRD defaults", () => {
  const np: any = { metadata: { name: "n" }, spec: { egress: [{ ports: [{ port: 53 }] }] } };
  applyDefaults(infoFor("NetworkPolicy", "networking.k8s.io"), np);
  assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
  assert.equal(np.spec.egress[0].ports[0].protocol, "TCP");
  const sc: any = { metadata: { name: "s" }, provisioner: "x" };
  applyDefaults(infoFor("StorageClass", "storage.k8s.io"), sc);
  assert.equal(sc.reclaimPolicy, "Delete");
  assert.equal(sc.volumeBindingMode, "Immediate");
  const rb: any = {
    roleRef: { kind: "Role", name: "r" },
    subjects: [
      { kind: "User", name: "u" },
      { kind: "ServiceAccount", name: "sa" },
    ],
  };
  applyDefaults(infoFor("RoleBinding", "rbac.authorization.k8s.io"), rb);
  assert.equal(rb.subjects[0].apiGroup, "rbac.authorization.k8s.io");
  assert.equal(rb.subjects[1].apiGroup, undefined);
  assert.equal(rb.roleRef.apiGroup, "rbac.authorization.k8s.io");
  const crd: any = {
    spec: { names: { kind: "Widget", plural: "widgets" }, versions: [{ name: "v1", storage: true }] },
  };
  applyDefaults(infoFor("CustomResourceDefinition", "apiextensions.k8s.io"), crd);
  assert.deepEqual(crd.spec.conversion, { strategy: "None" });
  assert.equal(crd.spec.names.singular, "widget");
  assert.equal(crd.spec.names.listKind, "WidgetList");
  assert.deepEqual(crd.status.storedVersions, ["v1"]);
});

test("schema defaults fill missing fields inside existing objects only, recursively", () => {
  const schema: any = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          replicas: { type: "integer", default: 1 },
          mode: { type: "string", default: "fast" },
          nested: { type: "object", properties: { x: { type: "string", default: "y" } } },
          withDefault: { type: "object", default: {}, properties: { z: { type: "integer", default: 5 } } },
          items: {
            type: "array",
            items: { type: "object", properties: { port: { type: "integer", default: 80 } } },
          },
          labels: {
            type: "object",
            additionalProperties: { type: "object", properties: { v: { type: "string", default: "d" } } },
          },
          nullable: { type: "string", nullable: true, default: "n" },
        },
      },
    },
  };
  const obj: any = { spec: { mode: "slow", items: [{}, { port: 1 }], labels: { a: {} }, nullable: null } };
  setDefaultsFromSchema(schema, obj);
  assert.deepEqual(obj.spec, {
    mode: "slow",
    replicas: 1,
    withDefault: { z: 5 },
    items: [{ port: 80 }, { port: 1 }],
    labels: { a: { v: "d" } },
    nullable: null,
  });
  const nonNullable: any = { spec: { replicas: null } };
  setDefaultsFromSchema(schema, nonNullable);
  assert.equal(nonNullable.spec.replicas, 1);
  const noSpec: any = {};
  setDefaultsFromSchema(schema, noSpec);
  assert.deepEqual(noSpec, {});
});

test("custom resources are defaulted from their version's schema through applyDefaults", () => {
  const info: any = {
    ...infoFor("ConfigMap"),
    crd: { schema: { type: "object", properties: { spec: { type: "object", default: { size: 1 } } } } },
  };
  const o: any = { metadata: { name: "x" } };
  applyDefaults(info, o);
  assert.deepEqual(o.spec, { size: 1 });
});
