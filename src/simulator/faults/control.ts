// The control endpoint of a running `kpanda sim`: HTTP on loopback with a
// random bearer token, both written to DIR/control.json (mode 0600), so
// `kpanda sim fault` can reach the fault handles of the process's clusters.
//   GET  /clusters/{name}/faults   → the cluster's fault state
//   POST /clusters/{name}/faults   ← {"fault": "...", ...arguments}
import { randomBytes, timingSafeEqual } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { ClusterFaults } from "./ClusterFaults.ts";

export type FaultRequest =
  | { fault: "unreachable"; ms?: number }
  | { fault: "reachable" }
  | { fault: "latency"; ms: number }
  | { fault: "errors"; rate: number; code?: 500 | 429 }
  | { fault: "drop-watches" }
  | { fault: "compact" }
  | { fault: "stop-node"; node: string }
  | { fault: "start-node"; node: string }
  | { fault: "clear" };

export type ControlFile = { url: string; token: string };

export const CONTROL_FILE = "control.json";

/** Applies one fault request to a cluster's handle. */
export async function applyFault(f: ClusterFaults, r: FaultRequest): Promise<void> {
  switch (r.fault) {
    case "unreachable":
      return f.unreachable(r.ms);
    case "reachable":
      return f.reachable();
    case "latency":
      return f.latency(r.ms);
    case "errors":
      return f.errors(r.rate, r.code ?? 500);
    case "drop-watches":
      f.dropWatches();
      return;
    case "compact":
      await f.compact();
      return;
    case "stop-node":
      return f.stopNode(r.node);
    case "start-node":
      return f.startNode(r.node);
    case "clear":
      return f.clear();
    default:
      throw new Error(`unknown fault "${(r as { fault: string }).fault}"`);
  }
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      body += d;
      if (body.length > 64 * 1024) req.destroy(new Error("body too large"));
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(body || "{}"));
      } catch {
        reject(new Error("body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

/** Serves the control endpoint for `faults(name)` and writes DIR/control.json. */
export async function startControl(dataDir: string, faults: (cluster: string) => ClusterFaults | undefined, host = "127.0.0.1"): Promise<{ server: Server; file: ControlFile }> {
  const token = randomBytes(24).toString("hex");
  const want = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const got = Buffer.from(req.headers.authorization ?? "");
    if (got.length !== want.length || !timingSafeEqual(got, want)) return send(401, { error: "unauthorized" });
    const m = /^\/clusters\/([a-z0-9-]+)\/faults$/.exec(req.url ?? "");
    const f = m ? faults(m[1]) : undefined;
    if (!f) return send(404, { error: "no such cluster" });
    if (req.method === "GET") return send(200, f.state());
    if (req.method !== "POST") return send(405, { error: "method not allowed" });
    readJson(req)
      .then((r) => applyFault(f, r as FaultRequest))
      .then(
        () => send(200, f.state()),
        (e: Error) => send(400, { error: e.message }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const file: ControlFile = { url: `http://${host}:${(server.address() as AddressInfo).port}`, token };
  await writeFile(join(dataDir, CONTROL_FILE), JSON.stringify(file), { mode: 0o600 });
  return { server, file };
}
