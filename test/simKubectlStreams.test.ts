// kubectl 1.32 against a simulated cluster, through the API server to the
// simulated kubelets: exec (WebSocket v5, and SPDY when websockets are off),
// an interactive shell in a pty, port-forward (the KEP-4006 tunnel and plain
// SPDY), the service proxy, logs -f, run -it's attach to a container
// started with stdin, and debug -it on an ephemeral container.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { R } from "../src/apiserver/client.ts";
import { type Simulator, startSimulator } from "../src/simulator/index.ts";
import { type KubectlResult, runKubectl } from "./harness.ts";
import { freePort, httpGet, ptyKubectl } from "./kubeletStreams.ts";
import { until } from "./simWorkloadsKubelet.ts";

const NS = "default";
const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false", KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" };

const WEB = `
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {greeting: hello-from-configmap}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {sim.kpanda.io/log-lines-per-second: "20"}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        env:
        - {name: GREETING, valueFrom: {configMapKeyRef: {name: web-config, key: greeting}}}
        - {name: MY_POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        volumeMounts: [{name: config, mountPath: /etc/web}]
      volumes: [{name: config, configMap: {name: web-config}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

describe("kubectl exec, port-forward, logs -f, attach and debug against simulated kubelets", () => {
  let sim: Simulator;
  let dir: string;
  let kc: string;
  let pod: string;
  const kubectl = (args: string[], opts: { input?: string; allowFail?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> => {
    const saved = { ...process.env };
    Object.assign(process.env, opts.env);
    try {
      return runKubectl(["--kubeconfig", kc, "--cache-dir", join(dir, "cache"), ...args], opts);
    } finally {
      process.env = saved;
    }
  };
  const pty = (args: string[], env: NodeJS.ProcessEnv = {}) => ptyKubectl(["--kubeconfig", kc, "--cache-dir", join(dir, "cache"), ...args], env);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-kstreams-"));
    sim = await startSimulator({ nodes: 2, dataDir: dir });
    kc = sim.clusters[0].kubeconfigPath!;
    await writeFile(join(dir, "web.yaml"), WEB);
    await kubectl(["apply", "-f", join(dir, "web.yaml")]);
    const c = sim.clusters[0];
    pod = await until(
      "web pod running",
      async () => (await c.client.list(R.pods, NS, { labelSelector: "app=web" })).items.find((p) => p.status?.phase === "Running")?.metadata?.name,
      20_000,
    );
  });
  after(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("kubectl exec deploy/web -- env prints a ConfigMap value and downward-API values", async () => {
    const { stdout } = await kubectl(["exec", "deploy/web", "--", "env"]);
    const env = Object.fromEntries(stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    assert.equal(env.GREETING, "hello-from-configmap");
    assert.equal(env.MY_POD_NAME, pod);
    assert.match(env.MY_NODE, /^node-\d$/);
    // The standard variables a container sees (kubelet's service env and the runtime's).
    assert.equal(env.HOSTNAME, pod);
    assert.equal(env.KUBERNETES_SERVICE_PORT, "443");
    assert.match(env.WEB_SERVICE_HOST, /^\d+\.\d+\.\d+\.\d+$/);
  });

  it("a command's exit code comes back; a program the image lacks is containerd's error", async () => {
    const r = await kubectl(["exec", pod, "--", "sh", "-c", "cat /etc/web/greeting; exit 3"], { allowFail: true });
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "hello-from-configmap");
    // kubectl's own message for a NonZeroExitCode status.
    assert.match(r.stderr, /command terminated with exit code 3/);
    assert.equal((await kubectl(["exec", "-i", pod, "--", "cat"], { input: "piped through\n" })).stdout, "piped through\n");
    const missing = await kubectl(["exec", pod, "--", "bash"], { allowFail: true });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /exec: "bash": executable file not found in \$PATH/);
  });

  it("kubectl exec -it … -- sh: a prompt, typed commands, 127 for an unknown one, and the exit code", async () => {
    const p = pty(["exec", "-it", pod, "--", "sh"]);
    await p.waitFor(/\/ # $/);
    p.type("cat /etc/hostname\r");
    await p.waitFor(new RegExp(`\\r\\n${pod}\\r\\n/ # $`));
    p.type("nosuchcmd\r");
    await p.waitFor(/sh: nosuchcmd: not found\r\n\/ # $/);
    p.type("echo status=$?\r");
    await p.waitFor(/status=127\r\n/);
    p.type("exit 7\r");
    const { code, output } = await p.done;
    assert.equal(code, 7, output);
  });

  it("the same over SPDY when kubectl's websockets are off", async () => {
    const r = await kubectl(["exec", pod, "--", "sh", "-c", "echo $GREETING; nosuch"], { allowFail: true, env: SPDY });
    assert.equal(r.stdout, "hello-from-configmap\n");
    assert.match(r.stderr, /sh: nosuch: not found/);
    assert.equal(r.code, 127);
    const p = pty(["exec", "-it", pod, "--", "sh"], SPDY);
    await p.waitFor(/\/ # $/);
    p.type("exit 4\r");
    assert.equal((await p.done).code, 4);
  });

  it("an exec's output over SPDY's 64 KiB window reaches kubectl whole, as over WebSocket", async () => {
    // kubectl's SPDY (moby/spdystream) never sends WINDOW_UPDATE: a server that waits for one stalls at 64 KiB.
    const input = `${"0123456789abcdef".repeat(64)}\n`.repeat(1024); // 1 MiB and 1 KiB
    for (const env of [SPDY, {}]) {
      const r = await kubectl(["exec", "-i", pod, "--", "cat"], { input, env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.length, input.length, JSON.stringify(env));
      assert.ok(r.stdout === input, "the same bytes");
    }
  });

  for (const [name, env] of [
    ["WebSocket tunnel", {}],
    ["SPDY", { KUBECTL_PORT_FORWARD_WEBSOCKETS: "false" }],
  ] as const) {
    it(`kubectl port-forward svc/web PORT:80 answers with the container's response (${name})`, async () => {
      const port = await freePort();
      const p = pty(["port-forward", "svc/web", `${port}:80`], env);
      try {
        await p.waitFor(/Forwarding from 127\.0\.0\.1/);
        const r = await httpGet(`http://127.0.0.1:${port}/hello`);
        assert.equal(r.status, 200);
        assert.equal(r.body, `pod: ${NS}/${pod}\ncontainer: web\nport: 80\nrequest: GET /hello\n`);
      } finally {
        p.kill();
        await p.done;
      }
    });
  }

  it("kubectl get --raw on the service proxy reaches the container port", async () => {
    const { stdout } = await kubectl(["get", "--raw", `/api/v1/namespaces/${NS}/services/web:80/proxy/status`]);
    assert.equal(stdout, `pod: ${NS}/${pod}\ncontainer: web\nport: 80\nrequest: GET /status\n`);
  });

  it("kubectl logs -f follows a running container until interrupted", async () => {
    const p = pty(["logs", "-f", pod, "--tail=1"]);
    // 20 lines a second from the pod's annotation: a few new ticks arrive while we wait.
    const first = await p.waitFor(/web: tick (\d+)/);
    const n = Number(/web: tick (\d+)/.exec(first)![1]);
    await p.waitFor(new RegExp(`web: tick ${n + 3}\\r\\n`));
    p.kill();
    await p.done;
  });

  it("kubectl run -it attaches to the shell of a container started with stdin and a tty", async () => {
    const p = pty(["run", "-it", "console", "--image=busybox", "--", "sh"]);
    p.type("\r");
    await p.waitFor(/# $/, 20_000);
    p.type("echo attached-to $HOSTNAME\r");
    await p.waitFor(/attached-to console\r\n/);
    p.type("exit\r");
    const { code, output } = await p.done;
    assert.equal(code, 0, output);
  });

  it("kubectl debug -it attaches to the shell of a new ephemeral container", async () => {
    const p = pty(["debug", "-it", pod, "--image=busybox", "--profile=general", "--container=dbg"]);
    p.type("\r");
    await p.waitFor(/# $/, 20_000);
    p.type("hostname; echo in-debugger\r");
    await p.waitFor(new RegExp(`${pod}\\r\\nin-debugger\\r\\n`));
    p.type("exit\r");
    const { output } = await p.done;
    // Its shell was the ephemeral container's process: on exit the container
    // terminates, and ephemeral containers are never restarted (pod lifecycle docs).
    const got = (await sim.clusters[0].client.get(R.pods, NS, pod)).status?.ephemeralContainerStatuses ?? [];
    assert.ok(got.some((s: { name: string; state?: { terminated?: { exitCode?: number } } }) => s.name === "dbg" && s.state?.terminated?.exitCode === 0), output);
  });

  it("kubectl run -it --restart=Never ends with the shell's exit code, and the pod is Failed", async () => {
    const p = pty(["run", "-it", "once", "--restart=Never", "--image=busybox", "--", "sh"]);
    p.type("\r");
    await p.waitFor(/# $/, 20_000);
    p.type("exit 3\r");
    // kubectl run waits for the pod to complete and exits with its container's code (kubectl's run.go).
    const { code, output } = await p.done;
    assert.equal(code, 3, output);
    const got = await sim.clusters[0].client.get(R.pods, NS, "once");
    assert.equal(got.status?.phase, "Failed");
    assert.equal(got.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  });
});
