// requestInfo() against the cases of kube's own table
// (k8s.io/apiserver/pkg/endpoints/request/requestinfo_test.go).
import assert from "node:assert/strict";
import { test } from "node:test";
import { requestInfo } from "./requestInfo.ts";

// method, path, verb, group, version, namespace, resource, subresource, name
const CASES: [string, string, string, string, string, string, string, string, string][] = [
  ["GET", "/api/v1/namespaces", "list", "", "v1", "", "namespaces", "", ""],
  ["GET", "/api/v1/namespaces/other", "get", "", "v1", "other", "namespaces", "", "other"],
  ["GET", "/api/v1/namespaces/other/pods", "list", "", "v1", "other", "pods", "", ""],
  ["GET", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo"],
  ["HEAD", "/api/v1/namespaces/other/pods/foo", "get", "", "v1", "other", "pods", "", "foo"],
  ["GET", "/api/v1/pods", "list", "", "v1", "", "pods", "", ""],
  ["GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "", "v1", "other", "pods", "", "foo"],
  ["GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "", "v1", "other", "pods", "", "foo"],
  ["GET", "/api/v1/watch/pods", "watch", "", "v1", "", "pods", "", ""],
  ["GET", "/api/v1/pods?watch=true", "watch", "", "v1", "", "pods", "", ""],
  ["GET", "/api/v1/pods?watch=false", "list", "", "v1", "", "pods", "", ""],
  ["GET", "/api/v1/watch/namespaces/other/pods", "watch", "", "v1", "other", "pods", "", ""],
  ["GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "", "v1", "other", "pods", "", ""],
  ["GET", "/api/v1/namespaces/other/pods?watch=0", "list", "", "v1", "other", "pods", "", ""],
  ["GET", "/api/v1/namespaces/other/pods/foo/status", "get", "", "v1", "other", "pods", "status", "foo"],
  ["GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "", "v1", "other", "pods", "proxy", "foo"],
  ["PUT", "/api/v1/namespaces/other/finalize", "update", "", "v1", "other", "namespaces", "finalize", "other"],
  ["PUT", "/api/v1/namespaces/other/status", "update", "", "v1", "other", "namespaces", "status", "other"],
  ["PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "", "v1", "other", "pods", "", "foo"],
  ["DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "", "v1", "other", "pods", "", "foo"],
  ["POST", "/api/v1/namespaces/other/pods", "create", "", "v1", "other", "pods", "", ""],
  ["DELETE", "/api/v1/nodes", "deletecollection", "", "v1", "", "nodes", "", ""],
  ["DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "", "v1", "other", "pods", "", ""],
  ["DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "extensions", "v1", "other", "pods", "", ""],
  ["POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "extensions", "v1beta3", "other", "pods", "", ""],
];

test("requestInfo reads method and path as kube-apiserver's RequestInfoFactory does", () => {
  for (const [method, path, verb, apiGroup, apiVersion, namespace, resource, subresource, name] of CASES) {
    const got = requestInfo(method, path);
    assert.deepEqual(
      { ...got },
      { resourceRequest: true, verb, apiGroup, apiVersion, namespace, resource, subresource, name },
      `${method} ${path}`,
    );
  }
});

test("paths that address no resource are non-resource requests", () => {
  for (const path of ["/", "/api", "/api/v1", "/apis/extensions/v1beta1", "/apis/extensions/v1beta1/", "/not-api/version/resource", "/version", "/openapi/v2"]) {
    assert.equal(requestInfo("GET", path).resourceRequest, false, path);
  }
  assert.equal(requestInfo("GET", "/apis/batch/v1/job/foo/scale").resourceRequest, true);
});

test("an exec's path names the pod and the subresource", () => {
  const i = requestInfo("POST", "/api/v1/namespaces/team-a/pods/shell/exec?command=echo&stdout=true");
  assert.deepEqual([i.verb, i.namespace, i.resource, i.name, i.subresource], ["create", "team-a", "pods", "shell", "exec"]);
});
