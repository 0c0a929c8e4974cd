import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults } from "./defaults.ts";
import { deployment, infoFor, lines, pod } from "./testing.ts";
import { validateObject } from "./validation.ts";

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function check(kind: string, group: string, obj: any, old?: any): string[] {
  const info = infoFor(kind, group);
  applyDefaults(info, obj);
  if (old) applyDefaults(info, old);
  return lines(validateObject(info, obj, old));
}

test("a valid defaulted Pod and Deployment have no errors", () => {
  assert.deepEqual(check("Pod", "", pod()), []);
  assert.deepEqual(check("Deployment", "apps", deployment()), []);
});

test("metadata.name is required unless generateName is set, and has a per-kind format", () => {
  const noName = pod();
  delete noName.metadata.name;
  assert.deepEqual(check("Pod", "", noName), [
    "metadata.name: Required value: name or generateName is required",
  ]);
  const gen = pod();
  gen.metadata = { generateName: "web-", namespace: "default", name: "web-x1" };
  assert.deepEqual(check("Pod", "", gen), []);
  const bad = pod();
  bad.metadata.name = "Foo_bar";
  assert.deepEqual(check("Pod", "", bad), [`metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`]);
});

test("name rules per kind: namespace label, service DNS-1035, RBAC path segments, length", () => {
  const cases: [string, string, string, string[]][] = [
    [
      "Namespace",
      "",
      "a.b",
      [
        `metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    [
      "Service",
      "",
      "1abc",
      [
        `metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    ["ClusterRole", "rbac.authorization.k8s.io", "system:Admin", []],
    [
      "ClusterRole",
      "rbac.authorization.k8s.io",
      "a/b",
      [`metadata.name: Invalid value: "a/b": may not contain '/'`],
    ],
    [
      "ClusterRole",
      "rbac.authorization.k8s.io",
      "..",
      [`metadata.name: Invalid value: "..": may not be '..'`],
    ],
    [
      "ConfigMap",
      "",
      "x".repeat(254),
      [`metadata.name: Invalid value: "${"x".repeat(254)}": must be no more than 253 characters`],
    ],
  ];
  for (const [kind, group, name, want] of cases) {
    const obj: any = { metadata: { name } };
    if (kind === "Service")
      Object.assign(obj, { metadata: { name, namespace: "d" }, spec: { clusterIP: "None", clusterIPs: ["None"] } });
    if (kind === "ConfigMap") obj.metadata.namespace = "d";
    assert.deepEqual(check(kind, group, obj), want, `${kind} ${name}`);
  }
});

test("namespace is required on namespaced kinds and forbidden on cluster-scoped ones", () => {
  assert.deepEqual(check("ConfigMap", "", { metadata: { name: "a" } }), [
    "metadata.namespace: Required value",
  ]);
  assert.deepEqual(check("Namespace", "", { metadata: { name: "a", namespace: "b" } }), [
    "metadata.namespace: Forbidden: not allowed on this type",
  ]);
});

test("label keys, label values, annotation keys and annotation size", () => {
  const cm: any = {
    metadata: {
      name: "a",
      namespace: "d",
      labels: { "-bad": "ok", good: "bad value" },
      annotations: { "Example.com/OK": "x" },
    },
  };
  assert.deepEqual(check("ConfigMap", "", cm), [
    `metadata.labels: Invalid value: "-bad": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `metadata.labels: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
  ]);
  const big: any = { metadata: { name: "a", namespace: "d", annotations: { a: "x".repeat(256 * 1024) } } };
  assert.deepEqual(check("ConfigMap", "", big), [
    "metadata.annotations: Too long: may not be more than 262144 bytes",
  ]);
});

test("pod containers: required, unique names, image, ports, protocol, restartPolicy", () => {
  assert.deepEqual(check("Pod", "", pod({ containers: [] })), ["spec.containers: Required value"]);
  const p = pod({
    restartPolicy: "Sometimes",
    containers: [
      { name: "a", image: "x", ports: [{ containerPort: 70000, protocol: "HTTP" }] },
      { name: "a", ports: [{ containerPort: 0 }] },
    ],
  });
  assert.deepEqual(
    check("Pod", "", p).sort(),
    [
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
      "spec.containers[1].image: Required value",
      "spec.containers[1].ports[0].containerPort: Required value",
      'spec.containers[1].name: Duplicate value: "a"',
    ].sort(),
  );
});

test("resources: quantity syntax and requests must not exceed limits", () => {
  const p = pod();
  p.spec.containers[0].resources = { requests: { cpu: "2", memory: "lots" }, limits: { cpu: "1" } };
  const errs = check("Pod", "", p);
  assert.ok(
    errs.includes(
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ),
    errs.join("\n"),
  );
  assert.ok(
    errs.some((e) =>
      e.startsWith(
        'spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match',
      ),
    ),
    errs.join("\n"),
  );
});

test("volume mounts must name a volume; volume names are unique", () => {
  const p = pod({
    volumes: [
      { name: "v", emptyDir: {} },
      { name: "v", emptyDir: {} },
    ],
  });
  p.spec.containers[0].volumeMounts = [{ name: "nope", mountPath: "/x" }];
  assert.deepEqual(check("Pod", "", p), [
    'spec.volumes[1].name: Duplicate value: "v"',
    'spec.containers[0].volumeMounts[0].name: Not found: "nope"',
  ]);
});

test("a Deployment selector must match its template labels", () => {
  assert.deepEqual(check("Deployment", "apps", deployment({ app: "other" })), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
  ]);
  const d = deployment();
  d.spec.selector = {};
  assert.ok(
    check("Deployment", "apps", d).includes(
      "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
    ),
  );
  const n = deployment();
  delete n.spec.selector;
  assert.ok(check("Deployment", "apps", n).includes("spec.selector: Required value"));
});

test("workload replicas must be non-negative and template restartPolicy Always", () => {
  const d = deployment();
  d.spec.replicas = -1;
  d.spec.template.spec.restartPolicy = "Never";
  assert.deepEqual(check("Deployment", "apps", d), [
    "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ]);
});

test("a Job template must restart OnFailure or Never", () => {
  const job: any = {
    metadata: { name: "j", namespace: "d" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "i" }] } },
    },
  };
  assert.deepEqual(check("Job", "batch", job), [
    'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
  ]);
});

test("a CronJob needs a five-field schedule and a short name", () => {
  const cj: any = {
    metadata: { name: "x".repeat(53), namespace: "d" },
    spec: {
      schedule: "every minute",
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: "c", image: "i" }], restartPolicy: "Never" } } },
      },
    },
  };
  assert.deepEqual(check("CronJob", "batch", cj), [
    `metadata.name: Invalid value: "${"x".repeat(53)}": must be no more than 52 characters`,
    'spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]',
  ]);
});

test("a CronJob's schedule is what robfig/cron's ParseStandard accepts, with no TZ in it, and its timeZone a known zone", () => {
  // pkg/apis/batch/validation validateScheduleFormat and validateTimeZone; the messages are robfig/cron v3's and Go's.
  const cj = (spec: Record<string, unknown>): any => ({
    metadata: { name: "c", namespace: "d" },
    spec: { ...spec, jobTemplate: { spec: { template: { spec: { containers: [{ name: "c", image: "i" }], restartPolicy: "Never" } } } } },
  });
  for (const ok of ["@every 5m", "@midnight", "*/15 9-17 * JAN-MAR mon-fri", "5/15 * ? * *"]) assert.deepEqual(check("CronJob", "batch", cj({ schedule: ok })), [], ok);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "0 9 * * *", timeZone: "Asia/Tokyo" })), []);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "61 * * * *" })), [
    'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
  ]);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "0 0 L * *" })), [
    'spec.schedule: Invalid value: "0 0 L * *": failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax',
  ]);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "@every 5" })), [
    'spec.schedule: Invalid value: "@every 5": failed to parse duration @every 5: time: invalid duration "5"',
  ]);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "CRON_TZ=UTC 0 9 * * *" })), [
    'spec.schedule: Invalid value: "CRON_TZ=UTC 0 9 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
  ]);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "0 9 * * *", timeZone: "Mars/Olympus" })), [
    'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
  ]);
  assert.deepEqual(check("CronJob", "batch", cj({ schedule: "0 9 * * *", timeZone: "Local" })), [
    'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
  ]);
});

test("Service: ports required, names required and unique when several, port range, type", () => {
  const svc = (spec: any) => ({ metadata: { name: "s", namespace: "d" }, spec });
  assert.deepEqual(check("Service", "", svc({})), ["spec.ports: Required value"]);
  // The service storage copies clusterIP into clusterIPs before validation (normalizeClusterIPs).
  assert.deepEqual(check("Service", "", svc({ clusterIP: "None", clusterIPs: ["None"] })), []);
  assert.deepEqual(check("Service", "", svc({ type: "ExternalName", externalName: "example.com" })), []);
  assert.deepEqual(
    check("Service", "", svc({ ports: [{ port: 80 }, { name: "a", port: 0 }, { name: "a", port: 81 }] })),
    [
      "spec.ports[0].name: Required value",
      "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
      'spec.ports[2].name: Duplicate value: "a"',
    ],
  );
  assert.deepEqual(check("Service", "", svc({ type: "Magic", ports: [{ port: 1 }] })), [
    'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
});

test("ConfigMap keys and total size; Secret keys and base64", () => {
  assert.deepEqual(
    check("ConfigMap", "", { metadata: { name: "c", namespace: "d" }, data: { "a b": "x" } }),
    [
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ],
  );
  const big = { metadata: { name: "c", namespace: "d" }, data: { a: "x".repeat(1024 * 1024), b: "y" } };
  assert.deepEqual(check("ConfigMap", "", big), [": Too long: may not be more than 1048576 bytes"]);
  assert.deepEqual(
    check("Secret", "", { metadata: { name: "s", namespace: "d" }, data: { k: "aGVsbG8=" } }),
    [],
  );
  assert.deepEqual(
    check("Secret", "", { metadata: { name: "s", namespace: "d" }, type: "kubernetes.io/tls", data: {} }),
    ["data[tls.crt]: Required value", "data[tls.key]: Required value"],
  );
});

test("updates: immutable Deployment selector, Service clusterIP, Job template, immutable ConfigMap", () => {
  const old = deployment();
  const now = deployment({ app: "web", v: "2" });
  now.spec.selector = { matchLabels: { app: "web", v: "2" } };
  assert.deepEqual(check("Deployment", "apps", now, old), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const svc = (ip: string) => ({
    metadata: { name: "s", namespace: "d" },
    spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80 }] },
  });
  assert.deepEqual(check("Service", "", svc("10.0.0.2"), svc("10.0.0.1")), [
    'spec.clusterIPs[0]: Invalid value: []string{"10.0.0.2"}: may not change once set',
  ]);
  const cm = (v: string) => ({ metadata: { name: "c", namespace: "d" }, immutable: true, data: { a: v } });
  assert.deepEqual(check("ConfigMap", "", cm("2"), cm("1")), [
    "data: Forbidden: field is immutable when `immutable` is set",
  ]);
  const job = (image: string): any => ({
    metadata: { name: "j", namespace: "d" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { restartPolicy: "Never", containers: [{ name: "c", image }] },
      },
    },
  });
  assert.ok(
    check("Job", "batch", job("b"), job("a")).some(
      (e) => e.startsWith("spec.template: Invalid value:") && e.endsWith("field is immutable"),
    ),
  );
});

test("PVC: access modes and storage request required; spec immutable except requests", () => {
  const pvc = (spec: any) => ({ metadata: { name: "c", namespace: "d" }, spec });
  assert.deepEqual(check("PersistentVolumeClaim", "", pvc({})), [
    "spec.accessModes: Required value: at least 1 access mode is required",
    "spec.resources[storage]: Required value",
  ]);
  const a = pvc({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } });
  const b = pvc({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } });
  // Only a Bound claim may be resized (ValidatePersistentVolumeClaimUpdate).
  assert.deepEqual(check("PersistentVolumeClaim", "", b, { ...a, status: { phase: "Bound" } }), []);
  assert.deepEqual(check("PersistentVolumeClaim", "", b, a), [
    "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
  ]);
  const c = pvc({ accessModes: ["ReadWriteMany"], resources: { requests: { storage: "1Gi" } } });
  assert.deepEqual(check("PersistentVolumeClaim", "", c, a), [
    "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
  ]);
});

test("RBAC: role rules need verbs; bindings need a valid roleRef that never changes", () => {
  const role = { metadata: { name: "r", namespace: "d" }, rules: [{ apiGroups: [""], resources: ["pods"] }] };
  assert.deepEqual(check("Role", "rbac.authorization.k8s.io", role), [
    "rules[0].verbs: Required value: verbs must contain at least one value",
  ]);
  const rb = (name: string) => ({
    metadata: { name: "b", namespace: "d" },
    roleRef: { kind: "Role", name },
    subjects: [{ kind: "User", name: "u" }],
  });
  assert.deepEqual(check("RoleBinding", "rbac.authorization.k8s.io", rb("a")), []);
  assert.deepEqual(check("RoleBinding", "rbac.authorization.k8s.io", rb("b"), rb("a")), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
  ]);
});

test("wrong JSON types become type errors with Kubernetes field paths", () => {
  const p = pod();
  p.spec.containers[0].ports = [{ containerPort: "80" }];
  p.metadata.labels = { app: 1 };
  assert.deepEqual(lines(validateObject(infoFor("Pod"), p)), [
    'metadata.labels[app]: Invalid value: "integer": metadata.labels[app] in body must be of type string: "integer"',
    'spec.containers[0].ports[0].containerPort: Invalid value: "string": spec.containers[0].ports[0].containerPort in body must be of type integer: "string"',
    "spec.containers[0].ports[0].protocol: Required value",
    "spec.restartPolicy: Required value",
  ]);
});

test("a status write checks metadata and status, and leaves the kept spec alone", () => {
  const info = infoFor("Pod");
  const old = pod();
  applyDefaults(info, old);
  const next = structuredClone(old);
  next.status = { phase: "Running", hostIP: 10 };
  next.spec.containers[0].ports = [{ containerPort: "80" }];
  assert.deepEqual(lines(validateObject(info, next, old, "status")), [
    'status.hostIP: Invalid value: "integer": status.hostIP in body must be of type string: "integer"',
  ]);
  next.status.hostIP = "10.0.0.1";
  assert.deepEqual(lines(validateObject(info, next, old, "status")), []);
});
