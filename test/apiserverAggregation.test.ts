// API aggregation, as kube-aggregator does it in kube-apiserver v1.32:
// APIService objects, their Available condition, discovery merged with the
// aggregated group, and requests proxied to the service's endpoint as the
// authenticated user with the front-proxy client certificate.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type KObject, type KubeError, R, type Resource } from "../src/apiserver/client.ts";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";
import { createAuthority } from "../src/apiserver/tls/pki.ts";
import { type AggregatedServer, GROUP, startAggregatedServer } from "./aggregatedServer.ts";
import { runKubectl } from "./harness.ts";
import { type Credentials, httpsCall } from "./httpsCall.ts";

const APISERVICES: Resource = { group: "apiregistration.k8s.io", version: "v1", resource: "apiservices" };
const NAME = `v1.${GROUP}`;
/** The endpoint address of the aggregated server on the "cluster network" the API server dials into. */
const ENDPOINT = { ip: "10.64.0.9", port: 8443 };

let server: ApiServer;
let upstream: AggregatedServer;
let dir: string;

before(async () => {
  server = await startApiServer({
    port: 0,
    tokens: new Map([["alice-token", { name: "alice", groups: ["devs"] }]]),
    egressDial: (host, port) => {
      if (host !== ENDPOINT.ip || port !== ENDPOINT.port) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return connect(upstream.port, "127.0.0.1");
    },
  });
  upstream = await startAggregatedServer(server, "test-api", "default");
  dir = await mkdtemp(join(tmpdir(), "kpanda-agg-"));
  await writeFile(join(dir, "kubeconfig"), server.kubeconfig());
});
after(async () => {
  await upstream.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const admin = (): Credentials => ({ ca: server.pki.ca.cert, ...server.admin });
const kubectl = (...args: string[]) => runKubectl(["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args]);

function apiService(caPem: string): KObject {
  return {
    metadata: { name: NAME },
    spec: { group: GROUP, version: "v1", groupPriorityMinimum: 100, versionPriority: 10, service: { namespace: "default", name: "test-api" }, caBundle: Buffer.from(caPem).toString("base64") },
  };
}

/** Waits until the APIService's Available condition has this reason; answers the condition. */
async function condition(reason: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const obj = await server.client().get(APISERVICES, "", NAME);
    const c = obj.status?.conditions?.find((x: any) => x.type === "Available");
    if (c?.reason === reason) return c;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the APIService never got reason ${reason}`);
}

test("an APIService not named version.group is invalid", async () => {
  const bad = apiService(upstream.ca.cert);
  bad.metadata!.name = "wrong";
  await assert.rejects(server.client().create(APISERVICES, "", bad), (e: KubeError) => {
    // ValidateAPIService's name rule.
    assert.equal(e.code, 422);
    assert.match(e.message, /metadata\.name: Invalid value: "wrong": must be `spec\.version\+"\."\+spec\.group`: "v1\.test\.example\.com"/);
    return true;
  });
});

test("a remote APIService becomes Available once its service, endpoints and discovery answer, with kube's reasons on the way", async () => {
  const c = server.client();
  const created = await c.create(APISERVICES, "", apiService(upstream.ca.cert));
  // SetDefaults_ServiceReference.
  assert.equal(created.spec.service.port, 443);
  // The v1.32 remote availability controller's messages (Endpoints-based).
  assert.equal((await condition("ServiceNotFound")).message, 'service/test-api in "default" is not present');
  await c.create(R.services, "default", { metadata: { name: "test-api" }, spec: { ports: [{ name: "https", port: 443, targetPort: ENDPOINT.port }] } });
  assert.equal((await condition("EndpointsNotFound")).message, 'cannot find endpoints for service/test-api in "default"');
  await c.create(R.endpoints, "default", { metadata: { name: "test-api" }, subsets: [{ addresses: [{ ip: ENDPOINT.ip }], ports: [{ name: "other", port: ENDPOINT.port }] }] });
  assert.equal((await condition("MissingEndpoints")).message, 'endpoints for service/test-api in "default" have no addresses with port name "https"');
  await c.patch(R.endpoints, "default", "test-api", "merge", { subsets: [{ addresses: [{ ip: ENDPOINT.ip }], ports: [{ name: "https", port: ENDPOINT.port }] }] });
  const ok = await condition("Passed");
  assert.deepEqual([ok.status, ok.message], ["True", "all checks passed"]);
  // The discovery check went as system:kube-aggregator in system:masters.
  const check = upstream.seen.find((s) => s.url === `/apis/${GROUP}/v1`);
  assert.equal(check?.user, "system:kube-aggregator");
  assert.deepEqual(check?.groups, ["system:masters"]);
});

test("kubectl get apiservices prints NAME, SERVICE, AVAILABLE and AGE; a local APIService is always available", async () => {
  await server.client().create(APISERVICES, "", { metadata: { name: "v1.local.example.com" }, spec: { group: "local.example.com", version: "v1", groupPriorityMinimum: 1000, versionPriority: 15 } });
  const local = await (async () => {
    for (let i = 0; i < 100; i++) {
      const o = await server.client().get(APISERVICES, "", "v1.local.example.com");
      if (o.status?.conditions?.length) return o.status.conditions[0];
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // NewLocalAvailableAPIServiceCondition.
  assert.deepEqual([local.status, local.reason, local.message], ["True", "Local", "Local APIServices are always available"]);
  const out = (await kubectl("get", "apiservices", NAME, "v1.local.example.com")).stdout.trim().split("\n");
  assert.match(out[0], /^NAME\s+SERVICE\s+AVAILABLE\s+AGE$/);
  assert.match(out[1], new RegExp(`^${NAME.replaceAll(".", "\\.")}\\s+default/test-api\\s+True\\s+\\d+s$`));
  assert.match(out[2], /^v1\.local\.example\.com\s+Local\s+True\s+\d+s$/);
  await server.client().delete(APISERVICES, "", "v1.local.example.com");
});

test("discovery lists the aggregated group after the local ones, with the resources its server reports", async () => {
  const groups = (await httpsCall(`${server.url}/apis`, admin())).json().groups;
  assert.equal(groups[0].name, "apiregistration.k8s.io");
  assert.deepEqual(groups.at(-1), { name: GROUP, versions: [{ groupVersion: `${GROUP}/v1`, version: "v1" }], preferredVersion: { groupVersion: `${GROUP}/v1`, version: "v1" } });
  const group = (await httpsCall(`${server.url}/apis/${GROUP}`, admin())).json();
  assert.equal(group.kind, "APIGroup");
  const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  const agg = (await httpsCall(`${server.url}/apis`, admin(), { headers: { Accept: accept } })).json();
  const item = agg.items.find((i: any) => i.metadata.name === GROUP);
  // ConvertGroupVersionIntoToDiscovery keeps the APIResource's (empty) group and version in responseKind.
  assert.deepEqual(item.versions[0], {
    version: "v1",
    resources: [{ resource: "widgets", responseKind: { group: "", version: "", kind: "Widget" }, scope: "Namespaced", singularResource: "widget", verbs: ["get", "list"], shortNames: ["wd"] }],
    freshness: "Current",
  });
  const resources = (await kubectl("api-resources", "--api-group", GROUP)).stdout;
  assert.match(resources, /widgets\s+wd\s+test\.example\.com\/v1\s+true\s+Widget/);
});

test("requests for the group-version are authorized by RBAC, then proxied as the caller with front-proxy credentials", async () => {
  const alice: Credentials = { ca: server.pki.ca.cert, token: "alice-token" };
  const path = `/apis/${GROUP}/v1/namespaces/default/widgets?limit=5`;
  const before = upstream.seen.length;
  const denied = await httpsCall(`${server.url}${path}`, alice);
  assert.equal(denied.status, 403);
  assert.equal(denied.json().message, `widgets.${GROUP} is forbidden: User "alice" cannot list resource "widgets" in API group "${GROUP}" in the namespace "default"`);
  assert.equal(upstream.seen.length, before, "a denied request never reaches the aggregated server");
  const c = server.client();
  await c.create({ group: "rbac.authorization.k8s.io", version: "v1", resource: "roles" }, "default", { metadata: { name: "widgets" }, rules: [{ apiGroups: [GROUP], resources: ["widgets"], verbs: ["list"] }] });
  await c.create({ group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings" }, "default", {
    metadata: { name: "alice-widgets" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "widgets" },
    subjects: [{ kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" }],
  });
  const reply = await httpsCall(`${server.url}${path}`, alice);
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json().items[0].seenAs, "alice");
  const seen = upstream.seen.at(-1)!;
  assert.equal(seen.url, path);
  assert.deepEqual(seen.groups, ["devs", "system:authenticated"]);
  assert.equal(seen.headers.authorization, undefined);
});

test("the aggregated server must show a certificate the caBundle trusts, unless insecureSkipTLSVerify", async () => {
  const other = await createAuthority("someone-else");
  const c = server.client();
  await c.patch(APISERVICES, "", NAME, "merge", { spec: { caBundle: Buffer.from(other.cert).toString("base64") } });
  const path = `${server.url}/apis/${GROUP}/v1/namespaces/default/widgets`;
  // The discovery check does not verify the server, so the APIService stays Available; the proxy does.
  await condition("Passed");
  const refused = await httpsCall(path, admin());
  assert.equal(refused.status, 503);
  assert.match(refused.text, /certificate/);
  await c.patch(APISERVICES, "", NAME, "merge", { spec: { caBundle: null, insecureSkipTLSVerify: true } });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await httpsCall(path, admin())).status, 200);
  await c.patch(APISERVICES, "", NAME, "merge", { spec: { caBundle: Buffer.from(upstream.ca.cert).toString("base64"), insecureSkipTLSVerify: null } });
});

test("an APIService whose server fails discovery answers 503 service unavailable and is Stale in aggregated discovery", async () => {
  upstream.failDiscovery = 500;
  await server.client().patch(APISERVICES, "", NAME, "merge", { spec: { versionPriority: 11 } });
  const failed = await condition("FailedDiscoveryCheck");
  const url = `https://${ENDPOINT.ip}:${ENDPOINT.port}/apis/${GROUP}/v1`;
  assert.equal(failed.message, `failing or missing response from ${url}: bad status from ${url}: 500`);
  const reply = await httpsCall(`${server.url}/apis/${GROUP}/v1/namespaces/default/widgets`, admin());
  // handler_proxy.go's proxyError: http.Error(w, "service unavailable", 503).
  assert.equal(reply.status, 503);
  assert.equal(reply.text, "service unavailable\n");
  assert.match(String(reply.headers["content-type"]), /^text\/plain/);
  const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  const agg = (await httpsCall(`${server.url}/apis`, admin(), { headers: { Accept: accept } })).json();
  assert.equal(agg.items.find((i: any) => i.metadata.name === GROUP).versions[0].freshness, "Stale");
  upstream.failDiscovery = undefined;
});

test("deleting the APIService takes its group out of discovery", async () => {
  await server.client().delete(APISERVICES, "", NAME);
  for (let i = 0; i < 100 && (await httpsCall(`${server.url}/apis/${GROUP}`, admin())).status !== 404; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await httpsCall(`${server.url}/apis/${GROUP}`, admin())).status, 404);
  assert.ok(!(await httpsCall(`${server.url}/apis`, admin())).json().groups.some((g: any) => g.name === GROUP));
});
