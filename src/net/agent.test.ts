// UpstreamAgent: requests through it share one dialed, TLS-wrapped
// connection; a failed dial is the same Go-worded ProxyError as without it.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import { type Duplex, duplexPair } from "node:stream";
import { after, before, test } from "node:test";
import { loadPki, type Pki } from "../apiserver/tls/pki.ts";
import { UpstreamAgent } from "./agent.ts";
import { openUpstream, ProxyError } from "./proxy.ts";

let pki: Pki;
let server: Server;
let dials = 0;
const dial = (host: string, port: number): Duplex => {
  if (host !== "10.0.0.7" || port !== 8443) throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
  dials++;
  const [client, end] = duplexPair();
  client.once("close", () => end.destroy());
  end.once("close", () => client.destroy());
  server.emit("connection", end);
  return client;
};

before(async () => {
  pki = await loadPki(undefined, ["10.0.0.7"]);
  server = createServer({ ...pki.server }, (req, res) => res.end(`seen ${req.url}`));
  server.keepAliveTimeout = 0;
});
after(() => server.closeAllConnections());

async function text(res: import("node:http").IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of res) s += c;
  return s;
}

test("requests through an UpstreamAgent reuse one dialed TLS connection", async () => {
  const agent = new UpstreamAgent({ secure: true, dial, tls: { ca: pki.ca.cert } });
  try {
    for (const path of ["/a", "/b", "/c"]) {
      const res = await openUpstream({ url: new URL(`https://10.0.0.7:8443${path}`), agent }, { method: "GET", headers: {} });
      assert.equal(await text(res), `seen ${path}`);
      // The socket goes back to the agent's pool once the exchange has fully ended.
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(dials, 1);
  } finally {
    agent.destroy();
  }
});

test("a refused dial through an UpstreamAgent is a Go-worded ProxyError", async () => {
  const agent = new UpstreamAgent({ secure: true, dial, tls: { ca: pki.ca.cert } });
  try {
    await assert.rejects(openUpstream({ url: new URL("https://10.0.0.8:8443/"), agent }, { method: "GET", headers: {} }), (e: ProxyError) => {
      assert.ok(e instanceof ProxyError);
      assert.equal(e.message, "dial tcp 10.0.0.8:8443: connect: connection refused");
      return true;
    });
  } finally {
    agent.destroy();
  }
});
