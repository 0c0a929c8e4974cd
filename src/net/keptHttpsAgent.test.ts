// KeptHttpsAgent: a connection kept alive for later requests does not keep
// the request that dialed it (and what its listeners close over) alive.
import assert from "node:assert/strict";
import { Agent, createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadPki, type Pki } from "../apiserver/tls/pki.ts";
import { KeptHttpsAgent } from "./keptHttpsAgent.ts";

// A full GC on demand without starting node with --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let pki: Pki;
let server: Server;
let port: number;

before(async () => {
  pki = await loadPki(undefined, ["127.0.0.1"]);
  server = createServer({ ...pki.server }, (_req, res) => res.end(JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ i })) })));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** GETs with the agent as a typical client does (listeners closing over the promise), and answers a weak reference to the parsed body. */
async function getBody(agent: Agent): Promise<WeakRef<object>> {
  const body = await new Promise<object>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent, ca: pki.ca.cert }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("error", reject);
      res.on("end", () => resolve(JSON.parse(text)));
    });
    req.on("error", reject);
    req.end();
  });
  return new WeakRef(body);
}

async function retainedWhileKept(agent: Agent): Promise<boolean> {
  const ref = await getBody(agent);
  await new Promise((r) => setImmediate(r));
  gc();
  const kept = Object.values(agent.freeSockets).flat().length;
  assert.equal(kept, 1, "the connection is kept for the next request");
  return ref.deref() !== undefined;
}

test("a kept-alive connection of a KeptHttpsAgent does not keep its first response alive", async () => {
  const agent = new KeptHttpsAgent({ keepAlive: true });
  try {
    assert.equal(await retainedWhileKept(agent), false);
  } finally {
    agent.destroy();
  }
});

test("Node's own https.Agent keeps it alive (what KeptHttpsAgent is for; if this fails, Node fixed it)", async () => {
  const agent = new Agent({ keepAlive: true });
  try {
    assert.equal(await retainedWhileKept(agent), true);
  } finally {
    agent.destroy();
  }
});

test("requests through a KeptHttpsAgent reuse its connection", async () => {
  const agent = new KeptHttpsAgent({ keepAlive: true });
  try {
    const seen = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/", agent, ca: pki.ca.cert }, (res) => {
          seen.add(res.socket);
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", reject);
        req.end();
      });
    }
    assert.equal(seen.size, 1);
  } finally {
    agent.destroy();
  }
});
