// The Kubernetes docs' StatefulSet example (kubernetes.io/docs/concepts/
// workloads/controllers/statefulset/, content/en/examples/controllers/
// statefulset.yaml) on a simulated cluster with every controller, through
// kubectl: it applies, rolls out in order, gets its claims www-web-0..2
// Bound, takes an image change and rolls back with `kubectl rollout undo`.
// Expected values come from Kubernetes: claim names <template>-<set>-<ordinal>
// and the claim volumes the controller adds to each pod are
// pkg/controller/statefulset/stateful_set_utils.go (getPersistentVolumeClaimName,
// updateStorage); the StatefulSet's template is checked only for labels,
// annotations and the selector match (pkg/apis/apps/validation:
// ValidatePodTemplateSpecForStatefulSet), so mounting the `www` claim with no
// `volumes` entry is valid; OrderedReady waits for each pod to be available
// for minReadySeconds (stateful_set_control.go: processReplica,
// isRunningAndAvailable); kubectl's messages are kubectl's own.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimulatedCluster, type Simulator, startSimulator } from "../src/simulator/index.ts";
import { PROVISIONER } from "../src/simulator/storage/VolumeController.ts";
import { kubectlFor, until } from "./simWorkloadsKubelet.ts";

// Verbatim from the docs. It names a StorageClass the reader is expected to
// have ("my-storage-class"); the test creates one for the simulator's provisioner.
const DOCS_EXAMPLE = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx # has to match .spec.template.metadata.labels
  serviceName: "nginx"
  replicas: 3 # by default is 1
  minReadySeconds: 10 # by default is 0
  template:
    metadata:
      labels:
        app: nginx # has to match .spec.selector.matchLabels
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
`;

const STORAGE_CLASS = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: my-storage-class
provisioner: ${PROVISIONER}
`;

const NS = "default";
const OLD = "registry.k8s.io/nginx-slim:0.24";
const NEW = "registry.k8s.io/nginx-slim:0.27";

describe("the Kubernetes docs' StatefulSet example", () => {
  // Fake time, moved on in the background: minReadySeconds 10 for each of
  // three pods in three rollouts would otherwise take a minute and a half.
  const clock = new FakeClock(Math.ceil(Date.now() / 1000) * 1000);
  let sim: Simulator;
  let c: SimulatedCluster;
  let k: Awaited<ReturnType<typeof kubectlFor>>;
  let ticking = true;
  let ticker: Promise<void>;
  before(async () => {
    sim = await startSimulator({ clusters: 1, nodes: 3, clock });
    c = sim.clusters[0];
    k = await kubectlFor(c);
    ticker = (async () => {
      while (ticking) {
        await clock.advance(250);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
  });
  after(async () => {
    ticking = false;
    await ticker;
    await k.close();
    await sim.stop();
  });

  const images = async () =>
    Object.fromEntries(
      (await c.client.list(R.pods, NS, { labelSelector: "app=nginx" })).items
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => [p.metadata!.name, p.spec.containers[0].image]),
    );
  const claims = async (): Promise<Record<string, [string, string]>> =>
    Object.fromEntries(
      (await c.client.list(R.pvcs, NS)).items.map((p) => [p.metadata!.name, [p.status?.phase, p.metadata!.uid]]),
    );

  it("applies and rolls out web-0, web-1, web-2 in order, each with its own Bound claim", async () => {
    await k.kubectl(["apply", "-f", "-"], { input: STORAGE_CLASS });
    const applied = await k.kubectl(["apply", "-f", "-"], { input: DOCS_EXAMPLE });
    assert.equal(applied.stdout, "service/nginx created\nstatefulset.apps/web created\n");
    const st = await k.kubectl(["rollout", "status", "statefulset/web", "--timeout=120s"]);
    assert.match(st.stdout, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);

    const pods = (await c.client.list(R.pods, NS, { labelSelector: "app=nginx" })).items;
    assert.deepEqual(pods.map((p) => p.metadata!.name).sort(), ["web-0", "web-1", "web-2"]);
    for (const p of pods) {
      const www = p.spec.volumes.find((v: any) => v.name === "www");
      assert.deepEqual(www, { name: "www", persistentVolumeClaim: { claimName: `www-${p.metadata!.name}` } });
      assert.equal(p.spec.hostname, p.metadata!.name);
      assert.equal(p.spec.subdomain, "nginx");
    }
    // Each pod was created once its predecessor had been Ready for
    // minReadySeconds (10 s); a pod itself starts within a few seconds.
    const readyAt = (name: string) =>
      Date.parse(
        pods.find((p) => p.metadata!.name === name)!.status.conditions.find((x: any) => x.type === "Ready")
          .lastTransitionTime,
      );
    assert.ok(
      readyAt("web-1") - readyAt("web-0") >= 10_000,
      `web-1 Ready ${readyAt("web-1") - readyAt("web-0")} ms after web-0`,
    );
    assert.ok(
      readyAt("web-2") - readyAt("web-1") >= 10_000,
      `web-2 Ready ${readyAt("web-2") - readyAt("web-1")} ms after web-1`,
    );

    const pvcs = await claims();
    assert.deepEqual(Object.keys(pvcs).sort(), ["www-web-0", "www-web-1", "www-web-2"]);
    for (const [name, [phase]] of Object.entries(pvcs)) assert.equal(phase, "Bound", name);
    const got = await k.kubectl([
      "get",
      "pvc",
      "-o",
      "jsonpath={range .items[*]}{.metadata.name} {.spec.storageClassName} {.status.phase}{'\\n'}{end}",
    ]);
    assert.equal(
      got.stdout,
      "www-web-0 my-storage-class Bound\nwww-web-1 my-storage-class Bound\nwww-web-2 my-storage-class Bound\n",
    );
  });

  it("rolls to a new image and back with kubectl rollout undo, keeping its claims", async () => {
    const before = await claims();
    await k.kubectl(["set", "image", "statefulset/web", `nginx=${NEW}`]);
    await k.kubectl(["rollout", "status", "statefulset/web", "--timeout=120s"]);
    await until(
      "all pods at the new image",
      async () => Object.values(await images()).join() === [NEW, NEW, NEW].join(),
      60_000,
    );

    const hist = await k.kubectl(["rollout", "history", "statefulset/web"]);
    assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await k.kubectl(["rollout", "undo", "statefulset/web"]);
    assert.equal(undo.stdout, "statefulset.apps/web rolled back\n");
    await k.kubectl(["rollout", "status", "statefulset/web", "--timeout=120s"]);
    await until(
      "all pods back at the old image",
      async () => Object.values(await images()).join() === [OLD, OLD, OLD].join(),
      60_000,
    );

    // rollout status does not wait for minReadySeconds; availableReplicas does.
    const s = await until("3 available", async () => {
      const st = (await c.client.get(R.statefulsets, NS, "web")).status;
      return st.availableReplicas === 3 && st;
    });
    assert.equal(s.currentRevision, s.updateRevision);
    assert.deepEqual([s.replicas, s.readyReplicas, s.updatedReplicas], [3, 3, 3]);
    // The same claims, still Bound: pods come and go, their volumes stay.
    assert.deepEqual(await claims(), before);
  });
});
