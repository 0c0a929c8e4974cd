// GET /clusters/{cluster}/schemas against a simulated member (and, when
// KPANDA_TEST_KUBECONFIG names one, a real member too: the v1.20.2 of
// ~/.cache/real-kube has no /openapi/v3, so its schemas come from
// /openapi/v2). The schema is the member's OpenAPI definition of the kind,
// $refs resolved, with descriptions, types and required.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { definitionOf, resolveDefinition } from "../../src/platform/apps/kindSchema.ts";
import type { SimulatedCluster } from "../../src/simulator/index.ts";
import { type TestPlatform, startTestPlatform } from "./fixture.ts";
import { integrate, startWithMembers, until, type WithMembers } from "./members.ts";

const C = "sim-1";
const at = (group: string, version: string, kind: string, cluster = C) =>
  `/clusters/${cluster}/schemas?${new URLSearchParams({ group, version, kind })}`;
type S = { type?: string; description?: string; required?: string[]; properties?: Record<string, S>; items?: S; additionalProperties?: S | boolean; "x-kubernetes-int-or-string"?: boolean };

/** The schema's properties along `path` (an array's items are stepped through). */
function walk(s: S, ...path: string[]): S {
  let cur = s;
  for (const p of path) {
    while (cur.type === "array" && cur.items) cur = cur.items;
    const next = cur.properties?.[p];
    assert.ok(next, `no property ${p} in ${JSON.stringify(Object.keys(cur.properties ?? {}))}`);
    cur = next;
  }
  return cur;
}

/** What a Deployment's schema holds in any Kubernetes version kpanda takes (k8s.io/api apps/v1 types.go, core/v1 types.go). */
function assertDeployment(schema: S): void {
  const spec = walk(schema, "spec");
  // DeploymentSpec: selector and template have no omitempty (+required); replicas is an *int32.
  assert.deepEqual([...(spec.required ?? [])].sort(), ["selector", "template"]);
  assert.equal(spec.properties?.replicas?.type, "integer");
  assert.match(spec.properties?.replicas?.description ?? "", /^Number of desired pods\./);
  const container = walk(schema, "spec", "template", "spec", "containers");
  assert.equal(container.type, "array");
  assert.deepEqual(container.items?.required, ["name"]);
  assert.equal(walk(schema, "spec", "template", "spec", "containers", "ports", "containerPort").type, "integer");
  // RollingUpdateDeployment's maxSurge is an intstr.IntOrString.
  assert.equal(walk(schema, "spec", "strategy", "rollingUpdate", "maxSurge")["x-kubernetes-int-or-string"], true);
  assert.equal(walk(schema, "metadata", "labels").additionalProperties && (walk(schema, "metadata", "labels").additionalProperties as S).type, "string");
  assert.doesNotMatch(JSON.stringify(schema), /"\$ref"|"allOf"/);
}

describe("kind schemas of a simulated member", () => {
  let t: WithMembers;
  let admin: string;
  let nobody: string;
  let viewer: string;

  before(async () => {
    t = await startWithMembers({ clusters: 1, nodes: 1 });
    admin = await t.adminToken();
    nobody = await t.addUser("nobody", []);
    viewer = await t.addUser("viewer", [{ role: "NSViewer", cluster: C, namespace: "default" }]);
  });
  after(async () => {
    await t?.close();
  });

  test("a Deployment's schema comes from the member's /openapi/v3, $refs resolved, with descriptions, types and required", async () => {
    const r = await t.call("GET", at("apps", "v1", "Deployment"), undefined, admin);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.source, "openapi/v3");
    assert.match(r.body.kubernetesVersion, /^v1\.\d+/);
    assertDeployment(r.body.schema);
  });

  test("a core kind is asked with an empty group", async () => {
    const r = await t.call("GET", at("", "v1", "ConfigMap"), undefined, viewer);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // ConfigMap.data is a map[string]string.
    assert.equal((r.body.schema.properties.data.additionalProperties as S).type, "string");
  });

  test("the member's /openapi/v2 resolves to the same Deployment schema as its /openapi/v3", async () => {
    const v2 = JSON.parse((await t.direct(C, ["get", "--raw", "/openapi/v2"])).stdout).definitions;
    const v3 = JSON.parse((await t.direct(C, ["get", "--raw", "/openapi/v3/apis/apps/v1"])).stdout).components.schemas;
    const gvk = { group: "apps", version: "v1", kind: "Deployment" };
    // Swagger 2.0 has no nullable (kube-openapi drops it from v2).
    const strip = (s: unknown) => JSON.stringify(s, (k, v) => (k === "nullable" ? undefined : v));
    assert.equal(strip(resolveDefinition(v2, definitionOf(v2, gvk)!)), strip(resolveDefinition(v3, definitionOf(v3, gvk)!)));
    assertDeployment(resolveDefinition(v2, definitionOf(v2, gvk)!) as S);
  });

  test("a kind the member does not serve is 404 NotFound naming the cluster", async () => {
    for (const [g, v, k] of [
      ["apps", "v1", "Nothing"],
      // extensions/v1beta1 Deployments were removed in 1.16: no /openapi/v3 document, and no v2 definition.
      ["extensions", "v1beta1", "Deployment"],
    ]) {
      const r = await t.call("GET", at(g, v, k), undefined, admin);
      assert.equal(r.status, 404, JSON.stringify(r.body));
      assert.equal(r.body.reason, "NotFound");
      assert.equal(r.body.cluster, C);
    }
  });

  test("a custom resource's schema keeps its CRD's enum, and follows the CRD when it changes", async () => {
    // The Kubernetes docs' CronTab, with an enum (structural schemas allow enum: apiextensions-apiserver's ValidateStructural).
    const crd = (policies: string[]) =>
      JSON.stringify({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "crontabs.stable.example.com" },
        spec: {
          group: "stable.example.com",
          scope: "Namespaced",
          names: { plural: "crontabs", singular: "crontab", kind: "CronTab" },
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: {
                    spec: {
                      type: "object",
                      required: ["cronSpec"],
                      properties: { cronSpec: { type: "string", description: "When it runs. In cron syntax." }, concurrencyPolicy: { type: "string", enum: policies } },
                    },
                  },
                },
              },
            },
          ],
        },
      });
    const policies = async () => {
      const r = await t.call("GET", at("stable.example.com", "v1", "CronTab"), undefined, admin);
      return r.status === 200 ? (r.body.schema.properties.spec.properties.concurrencyPolicy.enum as string[]) : undefined;
    };
    await t.direct(C, ["apply", "-f", "-"], { input: crd(["Allow", "Forbid"]) });
    assert.deepEqual(await until("the CRD's schema", policies, 30_000), ["Allow", "Forbid"]);
    const r = await t.call("GET", at("stable.example.com", "v1", "CronTab"), undefined, admin);
    assert.deepEqual(r.body.schema.properties.spec.required, ["cronSpec"]);
    assert.equal(r.body.schema.properties.spec.properties.cronSpec.description, "When it runs. In cron syntax.");
    // Same server version, new CRD: the cached schema is not served any more.
    await t.direct(C, ["apply", "-f", "-"], { input: crd(["Allow", "Forbid", "Replace"]) });
    await until("the changed CRD's schema", async () => (await policies())?.length === 3, 30_000);
  });

  test("a user without a role in the cluster is refused with 403, and a missing kind is 400", async () => {
    const r = await t.call("GET", at("apps", "v1", "Deployment"), undefined, nobody);
    assert.equal(r.status, 403);
    assert.equal(r.body.cluster, C);
    assert.equal((await t.call("GET", `/clusters/${C}/schemas?version=v1`, undefined, admin)).status, 400);
    assert.equal((await t.call("GET", at("apps", "v1", "Deployment", "nowhere"), undefined, admin)).status, 404);
  });
});

const kubeconfig = process.env.KPANDA_TEST_KUBECONFIG;

describe("kind schemas of a real member", { skip: !kubeconfig && "KPANDA_TEST_KUBECONFIG is not set" }, () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
    await integrate(t, { name: "real", kubeconfigPath: kubeconfig } as SimulatedCluster);
  });
  after(async () => {
    await t?.close();
  });

  test("a Deployment's schema is read from /openapi/v2 when the member has no /openapi/v3 (before 1.24)", async () => {
    const r = await t.call("GET", at("apps", "v1", "Deployment", "real"), undefined, await t.adminToken());
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const minor = Number(/^v1\.(\d+)/.exec(r.body.kubernetesVersion)?.[1]);
    // /openapi/v3 is served from 1.24 (beta, on by default).
    assert.equal(r.body.source, minor >= 24 ? "openapi/v3" : "openapi/v2");
    assertDeployment(r.body.schema);
  });

  test("kinds asked for at once are all answered (one /openapi/v2 read shared among them)", async () => {
    const admin = await t.adminToken();
    const kinds = [["apps", "StatefulSet"], ["apps", "DaemonSet"], ["", "Service"], ["", "ConfigMap"], ["batch", "Job"]];
    const answers = await Promise.all(kinds.map(([g, k]) => t.call("GET", at(g, "v1", k, "real"), undefined, admin)));
    assert.deepEqual(answers.map((r) => [r.status, r.body.kind]), kinds.map(([, k]) => [200, k]));
    // JobSpec.template is required (k8s.io/api batch/v1 types.go: no omitempty).
    assert.ok(answers[4].body.schema.properties.spec.required.includes("template"));
  });
});
