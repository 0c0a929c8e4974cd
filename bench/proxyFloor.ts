// The floor under bench/platform.ts part 1: the same alternating GETs of a
// pod, straight to a member and through the barest Node.js HTTPS proxy there
// is (node:https server, https.request over a keep-alive agent, the answer
// piped back; no authentication, no header rewriting, no audit). What that
// proxy adds is the cost of one more TLS hop on this machine, which kpanda's
// proxy cannot go below; compare its ratio with part 1's.
// --upstream undici makes the proxy's upstream call with undici's stream()
// instead of https.request (the server side stays node:https).
// Usage: node bench/proxyFloor.ts [--kubeconfig FILE] (a real cluster; else one `kpanda sim` cluster) [--gets 3000] [--upstream https|undici]
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Agent as UndiciAgent } from "undici";
import { createAuthority, issueServingCert } from "../src/apiserver/tls/pki.ts";
import { KubeClient } from "./client.ts";
import { type ClusterAccess, loadKubeconfig } from "./kubeconfig.ts";
import { ms, Samples } from "./stats.ts";

const { values } = parseArgs({
  options: { kubeconfig: { type: "string" }, gets: { type: "string", default: "3000" }, "as-proxy": { type: "string" }, upstream: { type: "string", default: "https" } },
});
const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/kpanda");

/** The proxy itself (this script re-run with --as-proxy KUBECONFIG): prints its port and CA on stdout. */
async function serveProxy(kubeconfig: string): Promise<void> {
  const a: ClusterAccess = loadKubeconfig(kubeconfig);
  const url = new URL(a.server);
  const agent = new Agent({ keepAlive: true, ca: a.ca, cert: a.cert, key: a.key, servername: a.servername });
  const ca = await createAuthority("proxy-floor-ca");
  const serving = await issueServingCert(ca, "localhost", ["127.0.0.1"]);
  const undici = new UndiciAgent({ connect: { ca: a.ca, cert: a.cert, key: a.key, servername: a.servername }, keepAliveTimeout: 60_000 });
  const server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
    const headers = { accept: req.headers.accept ?? "*/*", ...(a.token ? { authorization: `Bearer ${a.token}` } : {}) };
    if (values.upstream === "undici") {
      undici
        .stream({ origin: url.origin, path: req.url ?? "/", method: (req.method ?? "GET") as "GET", headers }, ({ statusCode, headers: h }) => {
          res.writeHead(statusCode, h as Record<string, string>);
          return res;
        })
        .catch(() => res.destroy());
      return;
    }
    const out = request({ host: url.hostname, port: url.port, path: req.url, method: req.method, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.end();
  });
  process.on("SIGTERM", () => process.exit(0));
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port, ca: ca.cert })));
}

function firstLine(proc: ChildProcess, match: (l: string) => boolean): Promise<string> {
  return new Promise((ok, fail) => {
    createInterface({ input: proc.stdout! }).on("line", (l) => match(l) && ok(l));
    proc.once("exit", (code) => fail(new Error(`child exited (${code})`)));
  });
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const dir = await mkdtemp(join(tmpdir(), "kpanda-floor-"));
  try {
    let kubeconfig = values.kubeconfig;
    if (!kubeconfig) {
      const sim = spawn(process.execPath, [KPANDA, "sim", "--clusters", "1", "--nodes", "2", "--data-dir", dir, "--log-level", "info"], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(sim);
      await firstLine(sim, (l) => l.includes('"kpanda sim ready"'));
      kubeconfig = join(dir, "sim-1", "kubeconfig");
    }
    const proxy = spawn(process.execPath, [fileURLToPath(import.meta.url), "--as-proxy", kubeconfig, "--upstream", values.upstream!], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(proxy);
    const { port, ca } = JSON.parse(await firstLine(proxy, (l) => l.startsWith("{")));
    const direct = new KubeClient(loadKubeconfig(kubeconfig), 1);
    const proxied = new KubeClient({ server: `https://127.0.0.1:${port}`, ca, insecure: false, context: "floor" }, 1);
    const path = "/api/v1/namespaces/default/pods/bench";
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "bench" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } };
    if ((await direct.status("GET", path)) === 404) await direct.json("POST", "/api/v1/namespaces/default/pods", pod);
    for (const c of [direct, proxied]) for (let i = 0; i < 50; i++) await c.request("GET", path);
    const ds = new Samples();
    const ps = new Samples();
    for (let i = 0; i < Number(values.gets); i++) {
      for (const [c, s] of [[direct, ds], [proxied, ps]] as const) {
        const t = performance.now();
        await c.request("GET", path);
        s.add(performance.now() - t);
      }
    }
    const d = ds.summary();
    const p = ps.summary();
    console.log(`GET of a pod in ${values.kubeconfig ?? "one simulated cluster"}, ${values.gets} sequential each, alternating`);
    console.log(`   direct:          p50 ${ms(d.p50)}  p99 ${ms(d.p99)}`);
    console.log(`   bare Node proxy (upstream ${values.upstream}): p50 ${ms(p.p50)}  p99 ${ms(p.p99)}`);
    console.log(`   ratio:           p50 ${(p.p50 / d.p50).toFixed(2)}  load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    await direct.close();
    await proxied.close();
  } finally {
    for (const c of children.reverse()) c.kill("SIGTERM");
    await rm(dir, { recursive: true, force: true });
  }
}

if (values["as-proxy"]) await serveProxy(values["as-proxy"]);
else await main();
