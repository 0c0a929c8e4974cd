// Calls to a member reuse kept-alive connections: client-node 2.x would give
// every typed request a new connection (and TLS handshake), which at a
// hundred clusters probed every few seconds costs more than the calls; and
// plain GETs, the search sync's lists and its watches share one pool per
// member (memberAgent), so a cold start opens each member's connections once.
// Connections are counted by a TCP relay in front of a simulated cluster.
import assert from "node:assert/strict";
import { connect, createServer, type Server } from "node:net";
import { after, before, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { closeMemberConnections, memberGet } from "../../src/platform/clusters/memberHttp.ts";
import { Member } from "../../src/platform/clusters/members.ts";
import { listAll, watch } from "../../src/platform/search/memberWatch.ts";
import { type Simulator, startSimulator } from "../../src/simulator/index.ts";

let sim: Simulator;
let relay: Server;
let connections = 0;

before(async () => {
  sim = await startSimulator({ names: ["pool"], nodes: 1 });
  const target = new URL(sim.cluster("pool").url);
  relay = createServer((client) => {
    connections++;
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
});

after(async () => {
  relay?.close();
  await sim?.stop();
});

it("typed calls, plain GETs and watches to a member reuse kept-alive connections", async () => {
  const cred = parseKubeconfig(sim.cluster("pool").kubeconfig());
  const { port } = relay.address() as { port: number };
  // The serving certificate names 127.0.0.1, so TLS verifies through the relay as it does direct.
  const m = new Member("pool", { ...cred, server: `https://127.0.0.1:${port}` });
  const core = m.kc.makeApiClient(CoreV1Api);
  try {
    for (let i = 0; i < 10; i++) await m.run(() => core.listNamespace());
    // undici may open a second connection while the first is still being handed back to its pool.
    const typed = connections;
    assert.ok(typed <= 2, `typed calls opened ${typed} connections`);
    for (let i = 0; i < 10; i++) await m.run((signal) => memberGet(m, "/version", signal));
    assert.equal(connections - typed, 1, "plain GETs share one connection");
    // Six at once (a summary's calls) open at most one each, and six more after them open none.
    await Promise.all(Array.from({ length: 6 }, () => m.run((signal) => memberGet(m, "/version", signal))));
    const parallel = connections - typed;
    assert.ok(parallel <= 6, `six parallel GETs opened ${parallel} connections`);
    await Promise.all(Array.from({ length: 6 }, () => m.run((signal) => memberGet(m, "/version", signal))));
    assert.equal(connections - typed, parallel, "kept connections carry the next six");
    // A list, then a watch from its resourceVersion that the server ends, then GETs: all over kept connections.
    const { resourceVersion } = await listAll(m, { group: "", version: "v1", resource: "namespaces" }, AbortSignal.timeout(10_000));
    const signal = AbortSignal.timeout(10_000);
    await watch(m, { group: "", version: "v1", resource: "namespaces" }, resourceVersion, { signal, timeoutSeconds: 1, idleMs: 5000 }, () => {});
    for (let i = 0; i < 3; i++) await m.run((s) => memberGet(m, "/version", s));
    assert.equal(connections - typed, parallel, "lists and watches go over the member's kept connections");
  } finally {
    closeMemberConnections(m);
  }
});
