// StatefulSet create validation. Expected values from kube 1.32
// pkg/apis/apps/validation/validation.go: ValidateStatefulSetSpec and
// ValidatePodTemplateSpecForStatefulSet, which checks the template's labels
// and annotations and the selector match, but not its pod spec ("currently
// this will check volumes, which we know will fail").
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyDefaults } from "./defaults.ts";
import { infoFor, lines } from "./testing.ts";
import { validateObject } from "./validation.ts";

function sts(spec: Record<string, any> = {}, podSpec: Record<string, any> = {}): Record<string, any> {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      serviceName: "nginx",
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx",
              volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
            },
          ],
          ...podSpec,
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "www" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      ...spec,
    },
  };
}

function check(obj: Record<string, any>): string[] {
  const info = infoFor("StatefulSet", "apps");
  applyDefaults(info, obj);
  return lines(validateObject(info, obj));
}

test("a StatefulSet mounting a volumeClaimTemplate it has no volume for is valid", () => {
  assert.deepEqual(check(sts()), []);
});

test("a StatefulSet's pod spec is not validated: the pod is, when the controller creates it", () => {
  // An unknown volume name or a missing image passes here, as on kube-apiserver.
  const obj = sts({}, { containers: [{ name: "c", volumeMounts: [{ name: "nope", mountPath: "/x" }] }] });
  assert.deepEqual(check(obj), []);
});

test("a StatefulSet's template labels, annotations, selector and restartPolicy are checked", () => {
  const bad = sts();
  bad.spec.template.metadata.labels = { app: "other", "bad key!": "x" };
  bad.spec.template.metadata.annotations = { "-x": "y" };
  bad.spec.template.spec.restartPolicy = "Never";
  bad.spec.template.spec.activeDeadlineSeconds = 5;
  assert.deepEqual(check(bad), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"other", "bad key!":"x"}: `selector` does not match template `labels`',
    `spec.template.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `spec.template.annotations: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported",
  ]);
});

test("a StatefulSet's selector is required and may not be empty", () => {
  assert.deepEqual(check(sts({ selector: undefined })), ["spec.selector: Required value"]);
  assert.deepEqual(check(sts({ selector: {} })), [
    "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
  ]);
});

test("a StatefulSet without a template fails only the selector match", () => {
  // Checked against kube-apiserver v1.20.2 (the template is a struct there, never nil).
  assert.deepEqual(check(sts({ template: undefined, volumeClaimTemplates: undefined })), [
    "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
  ]);
});
