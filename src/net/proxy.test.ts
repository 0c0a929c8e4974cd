// The generic upstream proxy over loopback: a front server proxies to an
// upstream server reached by TCP or by an in-memory dial.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import { type Duplex, duplexPair } from "node:stream";
import { after, before, describe, test } from "node:test";
import { loadPki, type Pki } from "../apiserver/tls/pki.ts";
import { ProxyError, proxyHttp, proxyUpgrade, rejectUpgrade, type Upstream } from "./proxy.ts";

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

/** The statuses proxyUpgrade resolved with, in order. */
const upgradeStatuses: number[] = [];

/** A front server that proxies every request to whatever `target()` says. */
function front(target: (req: IncomingMessage) => Upstream): Server {
  const server = createServer((req, res) => {
    proxyHttp(req, res, target(req)).catch((err: ProxyError) => {
      res.writeHead(err.code, { "content-type": "application/json" });
      res.end(JSON.stringify(err.toStatus()));
    });
  });
  server.on("upgrade", (req, socket, head) => {
    proxyUpgrade(req, socket, head, target(req)).then(
      (status) => upgradeStatuses.push(status),
      (err) => rejectUpgrade(socket, err),
    );
  });
  return server;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET", body?: string) {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends a raw upgrade request and resolves with the socket once the head of the answer arrived. */
async function rawUpgrade(port: number, lines: string[]): Promise<{ socket: Socket; head: string }> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  let head = "";
  while (!head.includes("\r\n\r\n")) {
    const [chunk] = await once(socket, "data");
    head += chunk.toString("latin1");
  }
  return { socket, head };
}

const servers: Server[] = [];
let upstreamPort = 0;
let followEnded: Promise<void>;
let pki: Pki;

/** The upstream: echoes what it got, streams a follow, and upgrades. */
function upstreamHandler(req: IncomingMessage, res: ServerResponse) {
  if (req.url === "/follow") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("line 1\n");
    const timer = setInterval(() => res.write("more\n"), 20);
    followEnded = new Promise((resolve) => req.socket.once("close", () => resolve()));
    followEnded.then(() => clearInterval(timer));
    return;
  }
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json", "proxy-authenticate": "Basic", "x-up": "yes" });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  });
}

function upstreamUpgrade(req: IncomingMessage, socket: Duplex) {
  if (req.headers["x-refuse"]) {
    socket.end("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 12\r\n\r\nno such code");
    return;
  }
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\n` +
      `X-Stream-Protocol-Version: ${req.headers["x-stream-protocol-version"] ?? ""}\r\nX-Method: ${req.method}\r\n\r\n`,
  );
  socket.on("data", (chunk: Buffer) => socket.write(Buffer.from(chunk.toString().toUpperCase())));
  socket.on("end", () => socket.end());
}

before(async () => {
  pki = await loadPki(undefined, []);
  const upstream = createServer(upstreamHandler);
  upstream.on("upgrade", upstreamUpgrade);
  servers.push(upstream);
  upstreamPort = await listen(upstream);
});

after(() => {
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
});

async function frontTo(target: (req: IncomingMessage) => Upstream): Promise<number> {
  const server = front(target);
  servers.push(server);
  return listen(server);
}

describe("proxyHttp", () => {
  test("forwards method, path, query and body, sets chosen headers and strips hop-by-hop ones", async () => {
    const port = await frontTo((req) => ({
      url: new URL(`http://127.0.0.1:${upstreamPort}/up${req.url}`),
      headers: { authorization: undefined, "x-remote-user": "alice" },
    }));
    const answer = await get(
      port,
      "/a?b=c",
      { authorization: "Bearer secret", connection: "keep-alive, x-private", "x-private": "1", "x-kept": "2" },
      "POST",
      "hello",
    );
    assert.equal(answer.status, 201);
    assert.equal(answer.headers["x-up"], "yes");
    assert.equal(answer.headers["proxy-authenticate"], undefined, "a hop-by-hop response header is not relayed");
    const seen = JSON.parse(answer.body);
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/up/a?b=c");
    assert.equal(seen.body, "hello");
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers["x-remote-user"], "alice");
    assert.equal(seen.headers["x-private"], undefined, "headers named by Connection are hop-by-hop");
    assert.equal(seen.headers["x-kept"], "2");
    assert.equal(seen.headers.host, `127.0.0.1:${upstreamPort}`);
  });

  test("streams a response as it comes and tears the upstream down when the client leaves", async () => {
    const port = await frontTo(() => ({ url: new URL(`http://127.0.0.1:${upstreamPort}/follow`) }));
    const req = request({ host: "127.0.0.1", port, path: "/" });
    req.end();
    const [res] = (await once(req, "response")) as [IncomingMessage];
    assert.equal(res.statusCode, 200);
    const [first] = await once(res, "data");
    assert.match(first.toString(), /^line 1/);
    await once(res, "data");
    req.destroy();
    await followEnded;
  });

  test("a refused dial becomes a Go-worded ProxyError", async () => {
    const closed = createServer();
    const deadPort = await listen(closed);
    closed.close();
    const port = await frontTo(() => ({ url: new URL(`http://127.0.0.1:${deadPort}/`) }));
    const answer = await get(port, "/");
    assert.equal(answer.status, 500);
    // Go's net.OpError text, which kube's "error dialing backend: ..." wraps.
    assert.equal(JSON.parse(answer.body).message, `dial tcp 127.0.0.1:${deadPort}: connect: connection refused`);
  });

  test("a dial function's rejection keeps its code's wording", async () => {
    const dial = () => Promise.reject(Object.assign(new Error("nope"), { code: "ECONNREFUSED" }));
    const port = await frontTo(() => ({ url: new URL("https://10.0.0.1:10250/healthz"), dial }));
    const answer = await get(port, "/");
    assert.equal(JSON.parse(answer.body).message, "dial tcp 10.0.0.1:10250: connect: connection refused");
  });

  test("reaches an in-memory server through a dial function", async () => {
    const memory = createServer(upstreamHandler);
    const dialed: string[] = [];
    const dial = (host: string, port: number) => {
      dialed.push(`${host}:${port}`);
      const [ours, theirs] = duplexPair();
      memory.emit("connection", theirs);
      return ours;
    };
    const port = await frontTo(() => ({ url: new URL("http://10.1.2.3:8080/x"), dial }));
    const answer = await get(port, "/");
    assert.equal(answer.status, 201);
    assert.equal(JSON.parse(answer.body).url, "/x");
    assert.deepEqual(dialed, ["10.1.2.3:8080"]);
  });
});

describe("TLS upstreams", () => {
  let tlsPort = 0;
  before(async () => {
    const server = createHttpsServer(
      { ...pki.server, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
        res.end(JSON.stringify({ cn: peer.subject?.CN }));
      },
    );
    servers.push(server as unknown as Server);
    tlsPort = await listen(server as unknown as Server);
  });

  test("presents the client certificate and skips verification when told", async () => {
    const client = await pki.issueClient("kube-apiserver-kubelet-client", ["system:masters"]);
    const port = await frontTo(() => ({
      url: new URL(`https://127.0.0.1:${tlsPort}/`),
      tls: { ...client, rejectUnauthorized: false },
    }));
    const answer = await get(port, "/");
    assert.deepEqual(JSON.parse(answer.body), { cn: "kube-apiserver-kubelet-client" });
  });

  test("verifies an IP upstream against the given CA", async () => {
    const client = await pki.issueClient("someone", []);
    const port = await frontTo(() => ({ url: new URL(`https://127.0.0.1:${tlsPort}/`), tls: { ...client, ca: pki.ca.cert } }));
    assert.equal((await get(port, "/")).status, 200);
  });

  test("an unknown CA is a TLS ProxyError", async () => {
    const port = await frontTo(() => ({ url: new URL(`https://127.0.0.1:${tlsPort}/`) }));
    const answer = await get(port, "/");
    assert.equal(answer.status, 500);
    assert.match(JSON.parse(answer.body).message, /^tls: /);
  });
});

describe("proxyUpgrade", () => {
  test("passes a SPDY POST upgrade through and pipes bytes both ways", async () => {
    const port = await frontTo(() => ({ url: new URL(`http://127.0.0.1:${upstreamPort}/exec`) }));
    const { socket, head } = await rawUpgrade(port, [
      "POST /exec?command=sh HTTP/1.1",
      "Host: x",
      "Connection: Upgrade",
      "Upgrade: SPDY/3.1",
      "X-Stream-Protocol-Version: v4.channel.k8s.io",
      "Content-Length: 0",
    ]);
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /Upgrade: SPDY\/3\.1/);
    assert.match(head, /X-Stream-Protocol-Version: v4.channel.k8s.io/);
    assert.match(head, /X-Method: POST/);
    socket.write("ping");
    const [echo] = await once(socket, "data");
    assert.equal(echo.toString(), "PING");
    assert.equal(upgradeStatuses.at(-1), 101, "proxyUpgrade resolves with the upstream's status");
    socket.destroy();
  });

  test("relays a non-101 answer as an ordinary response", async () => {
    const port = await frontTo(() => ({ url: new URL(`http://127.0.0.1:${upstreamPort}/exec`) }));
    const { socket, head } = await rawUpgrade(port, [
      "GET /exec HTTP/1.1",
      "Host: x",
      "Connection: Upgrade",
      "Upgrade: websocket",
      "X-Refuse: 1",
    ]);
    let text = head;
    socket.on("data", (c) => {
      text += c;
    });
    await once(socket, "close");
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(text, /\r\n\r\nno such code$/);
    assert.equal(upgradeStatuses.at(-1), 400, "proxyUpgrade resolves with the upstream's status");
  });

  test("a refused dial answers the upgrade with a Status", async () => {
    const dial = () => Promise.reject(Object.assign(new Error("x"), { code: "ECONNREFUSED" }));
    const port = await frontTo(() => ({ url: new URL("https://10.0.0.1:10250/exec"), dial }));
    const { socket, head } = await rawUpgrade(port, ["GET / HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket"]);
    let text = head;
    socket.on("data", (c) => {
      text += c;
    });
    await once(socket, "close");
    assert.match(text, /^HTTP\/1\.1 500 /);
    assert.match(text, /dial tcp 10\.0\.0\.1:10250: connect: connection refused/);
  });
});

test("ProxyError renders a v1 Status", () => {
  const err = new ProxyError("no endpoints available for service \"web\"", { code: 503, reason: "ServiceUnavailable" });
  assert.deepEqual(err.toStatus(), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: 'no endpoints available for service "web"',
    reason: "ServiceUnavailable",
    code: 503,
  });
});
