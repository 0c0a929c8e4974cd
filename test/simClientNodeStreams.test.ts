// @kubernetes/client-node's Exec, Attach and PortForward against a
// simulated cluster: they speak the WebSocket channel protocols (v5 for
// exec and attach, v4 channels for port-forward) through the API server to
// the simulated kubelets.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { Attach, Exec, KubeConfig, PortForward, type V1Status } from "@kubernetes/client-node";
import { R } from "../src/apiserver/client.ts";
import { type Simulator, startSimulator } from "../src/simulator/index.ts";
import { until } from "./simWorkloadsKubelet.ts";

const NS = "default";

function sink(): Writable & { text(): string } {
  let text = "";
  const w = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  });
  return Object.assign(w, { text: () => text });
}

/** Resolves when the connection a client-node call returned closes. */
const closed = (ws: unknown) => new Promise<void>((r) => (ws as { on(e: "close", f: () => void): void }).on("close", () => r()));

describe("client-node Exec, Attach and PortForward against simulated kubelets", () => {
  let sim: Simulator;
  let dir: string;
  const kc = new KubeConfig();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-cnstreams-"));
    sim = await startSimulator({ nodes: 1, dataDir: dir });
    kc.loadFromFile(sim.clusters[0].kubeconfigPath!);
    const c = sim.clusters[0].client;
    await c.create(R.pods, NS, { metadata: { name: "app" }, spec: { containers: [{ name: "main", image: "nginx", ports: [{ containerPort: 80 }], env: [{ name: "MODE", value: "demo" }] }] } });
    await c.create(R.pods, NS, { metadata: { name: "console" }, spec: { containers: [{ name: "sh", image: "busybox", stdin: true }] } });
    for (const name of ["app", "console"]) await until(`${name} running`, async () => (await c.get(R.pods, NS, name)).status?.phase === "Running", 20_000);
  });
  after(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("Exec runs a command and reports its status, Success or the exit code", async () => {
    const exec = new Exec(kc);
    const run = async (cmd: string[]) => {
      const out = sink();
      const err = sink();
      let status: V1Status | undefined;
      const ws = await exec.exec(NS, "app", "main", cmd, out, err, null, false, (s) => (status = s));
      await closed(ws);
      return { out: out.text(), err: err.text(), status };
    };
    const ok = await run(["printenv", "MODE"]);
    assert.equal(ok.out, "demo\n");
    assert.equal(ok.status?.status, "Success");
    const failed = await run(["sh", "-c", "nope; exit 9"]);
    assert.equal(failed.err, "sh: nope: not found\n");
    assert.equal(failed.status?.reason, "NonZeroExitCode");
    assert.deepEqual(failed.status?.details?.causes, [{ reason: "ExitCode", message: "9" }]);
  });

  it("Exec with stdin feeds a non-interactive shell line by line", async () => {
    const out = sink();
    const ws = await new Exec(kc).exec(NS, "app", "main", ["sh"], out, sink(), Readable.from(["echo one\n", "hostname\n"]), false);
    await closed(ws);
    assert.equal(out.text(), "one\napp\n");
  });

  it("Attach reaches the shell of a container started with stdin", async () => {
    const out = sink();
    const stdin = new PassThrough();
    const ws = await new Attach(kc).attach(NS, "console", "sh", out, sink(), stdin, false);
    stdin.write("echo attached $HOSTNAME\n");
    await until("the shell's answer", () => out.text() === "attached console\n");
    stdin.write("exit\n");
    await closed(ws);
  });

  it("PortForward carries a request to the container port and its answer back", async () => {
    const out = sink();
    const input = Readable.from(["GET /via-client-node HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"]);
    const ws = await new PortForward(kc).portForward(NS, "app", [80], out, sink(), input);
    await closed(ws);
    assert.match(out.text(), /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(out.text().endsWith("pod: default/app\ncontainer: main\nport: 80\nrequest: GET /via-client-node\n"), out.text());
  });
});
