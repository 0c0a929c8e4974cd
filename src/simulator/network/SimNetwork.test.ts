// The in-memory network's connections behave like TCP ones at their ends.
import assert from "node:assert/strict";
import { once } from "node:events";
import type { Duplex } from "node:stream";
import { test } from "node:test";
import { SimNetwork } from "./SimNetwork.ts";

test("a client that goes away closes the server's end, so a streaming server stops", { timeout: 5000 }, async () => {
  const net = new SimNetwork();
  let server: Duplex | undefined;
  net.listen("10.0.0.1", 10250, (s) => {
    server = s;
  });
  const client = net.connect("10.0.0.1", 10250);
  const closed = once(server!, "close");
  client.destroy();
  await closed;
  assert.equal(server!.destroyed, true);
});

test("a server that writes and ends is read whole by the client before its end", { timeout: 5000 }, async () => {
  const net = new SimNetwork();
  net.listen("10.0.0.1", 80, (s) => {
    s.write("output and status");
    s.end();
  });
  const client = net.connect("10.0.0.1", 80);
  let got = "";
  client.on("data", (d) => {
    got += d;
  });
  await once(client, "end");
  assert.equal(got, "output and status");
});

test("a dial to a port nobody listens on is ECONNREFUSED", async () => {
  const net = new SimNetwork();
  await assert.rejects(net.dial("10.0.0.9", 80), { code: "ECONNREFUSED" });
});
