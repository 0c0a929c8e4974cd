// Deployments on a simulated cluster, driven by kubectl: rollout status,
// history, undo --to-revision, pause/resume, restart, scale, events, and the
// progress deadline on a fake clock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KObject, R } from "../src/apiserver/client.ts";
import { FakeClock } from "../src/simulator/clock.ts";
import { type SimCluster, startSimCluster } from "../src/simulator/cluster.ts";
import { DeploymentController, workloadControllers } from "../src/simulator/workloads/index.ts";
import { InstantKubelet, kubectlFor, nextSync, until } from "./simWorkloadsKubelet.ts";

const NS = "default";

const deployment = (name: string, image: string, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 3
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: c
        image: ${image}
${extra}`;

describe("Deployment controller with kubectl", () => {
  let c: SimCluster;
  let k: Awaited<ReturnType<typeof kubectlFor>>;
  before(async () => {
    c = await startSimCluster({
      name: "deploy",
      controllers: [new InstantKubelet({ nodes: ["n1", "n2", "n3"] }), ...workloadControllers()],
    });
    k = await kubectlFor(c);
  });
  after(async () => {
    await k.close();
    await c.stop();
  });

  const rss = async (app: string) =>
    (await c.client.list(R.replicasets, NS, { labelSelector: `app=${app}` })).items.sort(
      (a, b) => Number(a.metadata?.annotations?.["deployment.kubernetes.io/revision"]) - Number(b.metadata?.annotations?.["deployment.kubernetes.io/revision"]),
    );
  const rev = (rs: KObject) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"];
  const image = async (name: string) => (await c.client.get(R.deployments, NS, name)).spec.template.spec.containers[0].image;

  it("rolls out: rollout status waits for it, the RS is <deploy>-<hash> at revision 1", async () => {
    await k.kubectl(["apply", "-f", "-"], { input: deployment("web", "nginx:1.0") });
    const st = await k.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert.match(st.stdout, /deployment "web" successfully rolled out/);
    const [rs] = await rss("web");
    const hash = rs.metadata!.labels!["pod-template-hash"];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.equal(rev(rs), "1");
    assert.equal(rs.metadata!.annotations!["deployment.kubernetes.io/desired-replicas"], "3");
    assert.equal(rs.metadata!.annotations!["deployment.kubernetes.io/max-replicas"], "4");
    const d = await c.client.get(R.deployments, NS, "web");
    assert.deepEqual(
      [d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas, d.status.observedGeneration],
      [3, 3, 3, 3, d.metadata!.generation],
    );
    const cond = Object.fromEntries(d.status.conditions.map((x: any) => [x.type, x.reason]));
    assert.deepEqual(cond, { Available: "MinimumReplicasAvailable", Progressing: "NewReplicaSetAvailable" });
    const pods = (await c.client.list(R.pods, NS, { labelSelector: `app=web,pod-template-hash=${hash}` })).items;
    assert.equal(pods.length, 3);
  });

  it("a new image rolls a new RS at revision 2; history lists both; undo --to-revision=1 makes revision 3", async () => {
    await k.kubectl(["set", "image", "deployment/web", "c=nginx:2.0"]);
    await k.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    let list = await rss("web");
    assert.deepEqual(list.map(rev), ["1", "2"]);
    assert.deepEqual(list.map((r) => r.spec.replicas), [0, 3]);
    const hist = await k.kubectl(["rollout", "history", "deployment/web"]);
    assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await k.kubectl(["rollout", "undo", "deployment/web", "--to-revision=1"]);
    assert.match(undo.stdout, /deployment.apps\/web rolled back/);
    await k.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    assert.equal(await image("web"), "nginx:1.0");
    list = await rss("web");
    assert.deepEqual(list.map(rev), ["2", "3"]);
    assert.equal(list[1].metadata!.annotations!["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(list[1].spec.template.spec.containers[0].image, "nginx:1.0");
    const d = await c.client.get(R.deployments, NS, "web");
    assert.equal(d.metadata!.annotations!["deployment.kubernetes.io/revision"], "3");
  });

  it("pause holds a template change; resume rolls it out", async () => {
    await k.kubectl(["rollout", "pause", "deployment/web"]);
    await k.kubectl(["set", "image", "deployment/web", "c=nginx:3.0"]);
    await until("paused condition", async () => {
      const d = await c.client.get(R.deployments, NS, "web");
      const p = d.status?.conditions?.find((x: any) => x.type === "Progressing");
      return p?.reason === "DeploymentPaused" && d.status.observedGeneration === d.metadata!.generation;
    });
    assert.equal((await rss("web")).length, 2, "no new ReplicaSet while paused");
    await k.kubectl(["rollout", "resume", "deployment/web"]);
    await k.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    const list = await rss("web");
    assert.deepEqual(list.map(rev), ["2", "3", "4"]);
    assert.equal(list[2].spec.template.spec.containers[0].image, "nginx:3.0");
  });

  it("restart makes a new ReplicaSet with a restartedAt template annotation", async () => {
    await k.kubectl(["rollout", "restart", "deployment/web"]);
    await k.kubectl(["rollout", "status", "deployment/web", "--timeout=30s"]);
    const list = await rss("web");
    const newest = list[list.length - 1];
    assert.equal(rev(newest), "5");
    assert.ok(newest.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]);
    assert.equal(newest.status.readyReplicas, 3);
  });

  it("kubectl scale resizes the current ReplicaSet", async () => {
    await k.kubectl(["scale", "deployment/web", "--replicas=5"]);
    await until("5 available", async () => (await c.client.get(R.deployments, NS, "web")).status?.availableReplicas === 5);
    const list = await rss("web");
    assert.equal(list[list.length - 1].spec.replicas, 5);
    assert.equal(list[list.length - 1].metadata!.annotations!["deployment.kubernetes.io/desired-replicas"], "5");
  });

  it("get events tells the story of the rollouts", async () => {
    const out = await until("events", async () => {
      const r = await k.kubectl(["get", "events", "--field-selector", "involvedObject.name=web", "-o", "custom-columns=REASON:.reason,MSG:.message,SRC:.source.component"]);
      return r.stdout.includes("Scaled down") && r.stdout;
    });
    assert.match(out, /ScalingReplicaSet\s+Scaled up replica set web-\w+ from 0 to 1\s+deployment-controller/);
    assert.match(out, /ScalingReplicaSet\s+Scaled down replica set web-\w+ from 3 to 2/);
    // Five rollouts on one object spend its 25-event burst (client-go's spam
    // filter), so later events, like the scale to 5, may be dropped, as upstream.
  });

  it("Recreate scales the old ReplicaSet to 0 before the new one comes up", async () => {
    await k.kubectl(["apply", "-f", "-"], { input: deployment("rec", "nginx:1.0", "  strategy: {type: Recreate}\n") });
    await k.kubectl(["rollout", "status", "deployment/rec", "--timeout=30s"]);
    await k.kubectl(["set", "image", "deployment/rec", "c=nginx:2.0"]);
    await k.kubectl(["rollout", "status", "deployment/rec", "--timeout=30s"]);
    const ev = (await c.client.list(R.events, NS)).items
      .filter((e) => e.involvedObject?.name === "rec")
      .map((e) => e.message.replace(/rec-\w+/, "RS"));
    assert.deepEqual(ev, ["Scaled up replica set RS from 0 to 3", "Scaled down replica set RS from 3 to 0", "Scaled up replica set RS from 0 to 3"]);
  });
});

describe("Deployment progress deadline on a fake clock", () => {
  let c: SimCluster;
  let k: Awaited<ReturnType<typeof kubectlFor>>;
  const clock = new FakeClock();
  const controllers = workloadControllers();
  const deployments = controllers.find((x) => x instanceof DeploymentController)!;
  before(async () => {
    // No kubelet: pods stay Pending, so the rollout cannot progress.
    c = await startSimCluster({ name: "deadline", clock, controllers });
    k = await kubectlFor(c);
  });
  after(async () => {
    await k.close();
    await c.stop();
  });

  it("reports ProgressDeadlineExceeded once the deadline passes, and rollout status fails", async () => {
    await k.kubectl(["apply", "-f", "-"], { input: deployment("slow", "nginx", "  progressDeadlineSeconds: 60\n") });
    await until("3 pending pods", async () => (await c.client.list(R.pods, NS, { labelSelector: "app=slow" })).items.length === 3);
    const progressing = async () =>
      (await c.client.get(R.deployments, NS, "slow")).status?.conditions?.find((x: any) => x.type === "Progressing");
    // Settle first: the RS reporting its 3 pods is progress, which refreshes lastUpdateTime.
    await until("progressing", async () => (await progressing())?.reason === "ReplicaSetUpdated");
    // The Deployment has seen its ReplicaSet report 3 pods once its own status says so.
    await until("steady", async () => (await c.client.get(R.deployments, NS, "slow")).status?.replicas === 3);
    await clock.advance(30_000);
    // Half the deadline on: a sync now (after a change that is no progress) keeps Progressing True.
    const looked = nextSync(deployments, `${NS}/slow`);
    await c.client.patch(R.deployments, NS, "slow", "merge", { metadata: { annotations: { touched: "1" } } });
    await looked;
    assert.equal((await progressing()).status, "True");
    await clock.advance(32_000);
    const cond = await until("deadline", async () => {
      const p = await progressing();
      return p?.reason === "ProgressDeadlineExceeded" && p;
    });
    assert.equal(cond.status, "False");
    assert.match(cond.message, /^ReplicaSet "slow-\w+" has timed out progressing\.$/);
    const st = await k.kubectl(["rollout", "status", "deployment/slow", "--timeout=10s"], { allowFail: true });
    assert.notEqual(st.code, 0);
    assert.match(st.stderr, /deployment "slow" exceeded its progress deadline/);
  });
});
