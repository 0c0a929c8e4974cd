// Calls to a member reuse kept-alive connections: client-node 2.x would give
// every typed request a new connection (and TLS handshake), which at a
// hundred clusters probed every few seconds costs more than the calls.
// Connections are counted by a TCP relay in front of a simulated cluster.
import assert from "node:assert/strict";
import { connect, createServer, type Server } from "node:net";
import { after, before, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import { parseKubeconfig } from "../../src/platform/clusters/kubeconfig.ts";
import { closeMemberConnections, memberGet } from "../../src/platform/clusters/memberHttp.ts";
import { Member } from "../../src/platform/clusters/members.ts";
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

it("typed calls and plain GETs to a member reuse kept-alive connections, plain GETs at most two at once", async () => {
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
    // Six at once (a summary's calls) open at most one more: two per member.
    await Promise.all(Array.from({ length: 6 }, () => m.run((signal) => memberGet(m, "/version", signal))));
    assert.equal(connections - typed, 2, "six parallel GETs use two connections");
  } finally {
    closeMemberConnections(m);
  }
});
