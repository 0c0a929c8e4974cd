// pods/ephemeralcontainers with the real kubectl: get, patch (strategic,
// JSON and merge) and update, validated as kube's
// ValidatePodEphemeralContainersUpdate and validateEphemeralContainers
// (pkg/apis/core/validation/validation.go) do. v1.20 has the subresource
// behind an alpha gate, so the expectations come from v1.32's source.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Cluster, startCluster } from "./harness.ts";

let cluster: Cluster;
let ns: string;

before(async () => {
  cluster = await startCluster();
  ns = await cluster.namespace("ephemeral");
  await cluster.apply(
    `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: ${ns}, labels: {app: web}}
spec:
  containers: [{name: app, image: nginx}]
`,
  );
});

after(async () => {
  await cluster?.close();
});

const patch = (type: string, body: unknown, allowFail = false) =>
  cluster.kubectl(["-n", ns, "patch", "pod", "web", "--subresource=ephemeralcontainers", `--type=${type}`, "-p", JSON.stringify(body)], { allowFail });

async function ephemeral(): Promise<{ name: string; image: string }[]> {
  const pod = JSON.parse((await cluster.kubectl(["-n", ns, "get", "pod", "web", "-o", "json"])).stdout);
  return pod.spec.ephemeralContainers ?? [];
}

describe("pods/ephemeralcontainers", () => {
  test("get answers the pod", async () => {
    const pod = JSON.parse((await cluster.kubectl(["get", "--raw", `/api/v1/namespaces/${ns}/pods/web/ephemeralcontainers`])).stdout);
    assert.equal(pod.kind, "Pod");
    assert.equal(pod.metadata.name, "web");
  });

  test("a strategic merge patch adds one, defaulted, and changes nothing else", async () => {
    await patch("strategic", {
      metadata: { labels: { sneaky: "yes" } },
      spec: { activeDeadlineSeconds: 5, ephemeralContainers: [{ name: "debugger", image: "busybox", stdin: true, tty: true }] },
    });
    const pod = JSON.parse((await cluster.kubectl(["-n", ns, "get", "pod", "web", "-o", "json"])).stdout);
    const [ec] = pod.spec.ephemeralContainers;
    // SetDefaults_EphemeralContainer, as for any container.
    assert.deepEqual(
      { name: ec.name, image: ec.image, terminationMessagePolicy: ec.terminationMessagePolicy, terminationMessagePath: ec.terminationMessagePath },
      { name: "debugger", image: "busybox", terminationMessagePolicy: "File", terminationMessagePath: "/dev/termination-log" },
    );
    // dropNonEphemeralContainerUpdates keeps all but the ephemeral containers of the stored pod.
    assert.equal(pod.metadata.labels.sneaky, undefined);
    assert.equal(pod.spec.activeDeadlineSeconds, undefined);
  });

  test("a JSON patch and an update add more", async () => {
    await patch("json", [{ op: "add", path: "/spec/ephemeralContainers/-", value: { name: "second", image: "busybox" } }]);
    const pod = JSON.parse((await cluster.kubectl(["-n", ns, "get", "pod", "web", "-o", "json"])).stdout);
    pod.spec.ephemeralContainers.push({ name: "third", image: "alpine", targetContainerName: "app" });
    await cluster.kubectl(["-n", ns, "replace", "--subresource=ephemeralcontainers", "-f", "-"], { input: JSON.stringify(pod) });
    assert.deepEqual((await ephemeral()).map((c) => c.name), ["debugger", "second", "third"]);
  });

  test("existing ones may be neither removed nor changed", async () => {
    const removed = await patch("merge", { spec: { ephemeralContainers: [{ name: "debugger", image: "busybox" }] } }, true);
    assert.match(removed.stderr, /Pod "web" is invalid: .*spec\.ephemeralContainers: Forbidden: existing ephemeral containers "second" may not be removed/s);
    const changed = await patch("json", [{ op: "replace", path: "/spec/ephemeralContainers/0/image", value: "alpine" }], true);
    assert.match(changed.stderr, /spec\.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed/);
    assert.deepEqual((await ephemeral()).map((c) => c.image), ["busybox", "busybox", "alpine"]);
  });

  test("a new one needs an image and a unique name, and may not set ports, probes or resources", async () => {
    const add = (value: object) => patch("json", [{ op: "add", path: "/spec/ephemeralContainers/-", value }], true);
    // validateContainerCommon and validateEphemeralContainers, on index 3 (the fourth).
    assert.match((await add({ name: "noimage" })).stderr, /spec\.ephemeralContainers\[3\]\.image: Required value/);
    assert.match((await add({ name: "app", image: "busybox" })).stderr, /spec\.ephemeralContainers\[3\]\.name: Duplicate value: "app"/);
    assert.match((await add({ name: "second", image: "busybox" })).stderr, /spec\.ephemeralContainers\[3\]\.name: Duplicate value: "second"/);
    const ports = await add({ name: "p", image: "busybox", ports: [{ containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 } } });
    assert.match(ports.stderr, /spec\.ephemeralContainers\[3\]\.ports: Forbidden: cannot be set for an Ephemeral Container/);
    assert.match(ports.stderr, /spec\.ephemeralContainers\[3\]\.readinessProbe: Forbidden: cannot be set for an Ephemeral Container/);
    const resources = await add({ name: "r", image: "busybox", resources: { limits: { cpu: "1" } } });
    assert.match(resources.stderr, /spec\.ephemeralContainers\[3\]\.resources: Forbidden: cannot be set for an Ephemeral Container/);
    const target = await add({ name: "t", image: "busybox", targetContainerName: "nope" });
    assert.match(target.stderr, /spec\.ephemeralContainers\[3\]\.targetContainerName: Not found: "nope"/);
    assert.equal((await ephemeral()).length, 3);
  });
});
