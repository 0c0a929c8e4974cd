import assert from "node:assert/strict";
import { test } from "node:test";
import { compactString, covers, ruleAllows } from "./rbacRules.ts";
import type { AuthzAttributes, PolicyRule } from "./types.ts";

const user = { name: "bob", groups: ["system:authenticated"] };

function res(verb: string, group: string, resource: string, extra: Partial<AuthzAttributes> = {}): AuthzAttributes {
  return { user, verb, resourceRequest: true, path: "", namespace: "ns", apiGroup: group, apiVersion: "v1", resource, subresource: "", name: "", ...extra };
}

function url(verb: string, path: string): AuthzAttributes {
  return { ...res(verb, "", ""), resourceRequest: false, path, namespace: "" };
}

const cases: [string, PolicyRule, AuthzAttributes, boolean][] = [
  ["exact verb, group and resource", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, res("get", "", "pods"), true],
  ["another verb", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, res("list", "", "pods"), false],
  ["verb wildcard", { verbs: ["*"], apiGroups: [""], resources: ["pods"] }, res("deletecollection", "", "pods"), true],
  ["another group", { verbs: ["get"], apiGroups: [""], resources: ["deployments"] }, res("get", "apps", "deployments"), false],
  ["group wildcard", { verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] }, res("get", "apps", "deployments"), true],
  ["resource wildcard", { verbs: ["get"], apiGroups: ["apps"], resources: ["*"] }, res("get", "apps", "deployments"), true],
  ["resource wildcard covers subresources", { verbs: ["get"], apiGroups: [""], resources: ["*"] }, res("get", "", "pods", { subresource: "log", name: "p" }), true],
  ["a resource does not grant its subresource", { verbs: ["get"], apiGroups: [""], resources: ["pods"] }, res("get", "", "pods", { subresource: "log", name: "p" }), false],
  ["resource/subresource", { verbs: ["get"], apiGroups: [""], resources: ["pods/log"] }, res("get", "", "pods", { subresource: "log", name: "p" }), true],
  ["*/subresource", { verbs: ["update"], apiGroups: ["apps"], resources: ["*/scale"] }, res("update", "apps", "deployments", { subresource: "scale", name: "d" }), true],
  ["*/subresource is not the resource", { verbs: ["update"], apiGroups: ["apps"], resources: ["*/scale"] }, res("update", "apps", "deployments", { name: "d" }), false],
  ["*/subresource needs the same subresource", { verbs: ["update"], apiGroups: [""], resources: ["*/status"] }, res("update", "", "pods", { subresource: "log" }), false],
  ["resourceNames match", { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, res("get", "", "configmaps", { name: "a" }), true],
  ["resourceNames miss", { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, res("get", "", "configmaps", { name: "b" }), false],
  ["resourceNames never grant an unnamed list", { verbs: ["list"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }, res("list", "", "configmaps"), false],
  ["non-resource exact", { verbs: ["get"], nonResourceURLs: ["/version"] }, url("get", "/version"), true],
  ["non-resource trailing star", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, url("get", "/apis/apps/v1"), true],
  ["non-resource star needs the prefix", { verbs: ["get"], nonResourceURLs: ["/apis/*"] }, url("get", "/api"), false],
  ["non-resource wildcard", { verbs: ["*"], nonResourceURLs: ["*"] }, url("post", "/anything"), true],
  ["a resource rule never grants a path", { verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, url("get", "/version"), false],
  ["a path rule never grants a resource", { verbs: ["*"], nonResourceURLs: ["*"] }, res("get", "", "pods"), false],
];

for (const [name, rule, attrs, want] of cases) {
  test(`ruleAllows: ${name} → ${want ? "allowed" : "denied"}`, () => {
    assert.equal(ruleAllows(attrs, rule), want);
  });
}

test("covers: a wildcard owner covers everything of its kind", () => {
  const owner: PolicyRule[] = [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }];
  assert.equal(covers(owner, [{ verbs: ["get", "list"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).ok, true);
  assert.equal(covers(owner, [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }]).ok, false);
});

test("covers: the uncovered subrules are reported one verb, group and resource at a time", () => {
  const owner: PolicyRule[] = [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }];
  const { ok, missing } = covers(owner, [{ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods", "secrets"] }]);
  assert.equal(ok, false);
  assert.deepEqual(missing.map(compactString), [
    '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
    '{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}',
  ]);
});

test("covers: */subresource owners cover that subresource of any resource, resourceNames narrow", () => {
  const owner: PolicyRule[] = [
    { verbs: ["update"], apiGroups: ["apps"], resources: ["*/scale"] },
    { verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a", "b"] },
  ];
  assert.equal(covers(owner, [{ verbs: ["update"], apiGroups: ["apps"], resources: ["deployments/scale"] }]).ok, true);
  assert.equal(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"] }]).ok, true);
  assert.equal(covers(owner, [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }]).ok, false);
});
