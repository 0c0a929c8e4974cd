import assert from "node:assert/strict";
import { test } from "node:test";
import { forbiddenError, requestAttributes } from "./requestAttributes.ts";

const user = { name: "bob", groups: [] };
const attrs = (method: string, path: string, query = "") => {
  const a = requestAttributes(user, method, path, new URLSearchParams(query));
  const { user: _u, apiVersion: _v, ...rest } = a;
  return rest;
};

test("request attributes follow kube's RequestInfo for resource paths", () => {
  const none = { path: "", namespace: "", apiGroup: "", resource: "", subresource: "", name: "" };
  const cases: [string, string, string, Record<string, unknown>][] = [
    ["GET", "/api/v1/namespaces/default/pods", "", { verb: "list", namespace: "default", resource: "pods" }],
    ["GET", "/api/v1/namespaces/default/pods", "watch=true", { verb: "watch", namespace: "default", resource: "pods" }],
    ["GET", "/api/v1/watch/namespaces/default/pods", "", { verb: "watch", namespace: "default", resource: "pods" }],
    ["GET", "/api/v1/namespaces/default/pods", "fieldSelector=metadata.name%3Dweb", { verb: "list", namespace: "default", resource: "pods", name: "web" }],
    ["GET", "/api/v1/namespaces/default/pods/web/log", "", { verb: "get", namespace: "default", resource: "pods", name: "web", subresource: "log" }],
    ["POST", "/apis/apps/v1/namespaces/x/deployments", "", { verb: "create", namespace: "x", apiGroup: "apps", resource: "deployments" }],
    ["PUT", "/apis/apps/v1/namespaces/x/deployments/d/scale", "", { verb: "update", namespace: "x", apiGroup: "apps", resource: "deployments", name: "d", subresource: "scale" }],
    ["PATCH", "/api/v1/nodes/n1", "", { verb: "patch", resource: "nodes", name: "n1" }],
    ["DELETE", "/api/v1/namespaces/x/configmaps", "", { verb: "deletecollection", namespace: "x", resource: "configmaps" }],
    ["DELETE", "/api/v1/namespaces/x", "", { verb: "delete", namespace: "x", resource: "namespaces", name: "x" }],
    ["PUT", "/api/v1/namespaces/x/finalize", "", { verb: "update", namespace: "x", resource: "namespaces", name: "x", subresource: "finalize" }],
  ];
  for (const [method, path, query, want] of cases) {
    assert.deepEqual(attrs(method, path, query), { ...none, resourceRequest: true, path, ...want }, `${method} ${path}?${query}`);
  }
});

test("discovery and other short paths are non-resource requests with the method as verb", () => {
  for (const path of ["/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/openapi/v3/apis/apps/v1"]) {
    const a = attrs("GET", path);
    assert.equal(a.resourceRequest, false, path);
    assert.equal(a.verb, "get");
    assert.equal(a.path, path);
  }
});

test("a denial is kube-apiserver's 403 message, namespaced, cluster-scoped, named and for a path", () => {
  const msg = (method: string, path: string) => forbiddenError(requestAttributes(user, method, path, new URLSearchParams())).message;
  assert.equal(msg("GET", "/api/v1/namespaces/default/pods"), 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.equal(msg("GET", "/api/v1/nodes"), 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope');
  assert.equal(
    msg("GET", "/apis/apps/v1/namespaces/x/deployments/web/scale"),
    'deployments.apps "web" is forbidden: User "bob" cannot get resource "deployments/scale" in API group "apps" in the namespace "x"',
  );
  assert.equal(msg("GET", "/version"), 'forbidden: User "bob" cannot get path "/version"');
});
