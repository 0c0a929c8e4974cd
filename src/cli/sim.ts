// `kpanda sim`: N simulated clusters in one process until SIGINT/SIGTERM, and
// `kpanda sim fault`: inject a fault into a running one through its control
// endpoint (DIR/control.json).
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { CONTROL_FILE, type ControlFile, type FaultRequest, startControl } from "../simulator/faults/control.ts";
import { startSimulator } from "../simulator/index.ts";

const USAGE = `Usage: kpanda sim [flags]
       kpanda sim fault --data-dir DIR --cluster NAME FAULT [ARGS]

Runs N simulated Kubernetes clusters in one process. Each has its own API
server on its own loopback port (client certificates required), simulated
nodes, scheduler, kubelets, workload controllers, HPA with a metrics API,
endpoints, volumes and disruption budgets. The admin kubeconfig of cluster
NAME is DIR/NAME/kubeconfig.

Flags:
  --clusters N           how many clusters, named sim-1 ... sim-N (default 1)
  --nodes M              nodes per cluster (default 3)
  --data-dir DIR         PKI, kubeconfigs and control.json (default ./data/sim)
  --listen-host HOST     loopback address to serve on (default 127.0.0.1)
  --log-level LEVEL      pino level: fatal, error, warn, info, debug (default info)
  -h, --help             show this help

Faults (kpanda sim fault, against a running kpanda sim with the same --data-dir):
  unreachable [DURATION]  refuse connections (for DURATION, e.g. 30s; else until 'reachable')
  reachable               serve again
  latency DURATION        add latency to every request (0 removes it)
  errors RATE [500|429]   answer a share of requests (0..1) with 500 or 429 (0 stops)
  drop-watches            end every watch open through the cluster's proxy
  compact                 compact storage: watches from older resourceVersions get 410 Gone
  stop-node NODE          the node's kubelet goes silent (NotReady, then its pods are evicted)
  start-node NODE         the node's kubelet comes back
  clear                   end every fault
  status                  print the cluster's faults
`;

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s);
  if (!m) throw new Error(`not a duration: "${s}" (e.g. 500ms, 30s, 2m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"] ?? 1000;
  return Math.round(Number(m[1]) * unit);
}

/** A fault request from the words after `kpanda sim fault`. */
export function parseFault(words: string[]): FaultRequest | "status" {
  const [fault, a, b] = words;
  switch (fault) {
    case "unreachable":
      return { fault, ms: a ? parseDuration(a) : undefined };
    case "latency":
      if (!a) throw new Error("latency needs a DURATION");
      return { fault, ms: parseDuration(a) };
    case "errors": {
      const rate = Number(a);
      if (!a || !(rate >= 0 && rate <= 1)) throw new Error("errors needs a RATE between 0 and 1");
      if (b && b !== "500" && b !== "429") throw new Error("errors answers 500 or 429");
      return { fault, rate, code: b === "429" ? 429 : 500 };
    }
    case "stop-node":
    case "start-node":
      if (!a) throw new Error(`${fault} needs a NODE`);
      return { fault, node: a };
    case "reachable":
    case "drop-watches":
    case "compact":
    case "clear":
      return { fault };
    case "status":
      return "status";
    default:
      throw new Error(fault ? `unknown fault "${fault}"` : "name a fault");
  }
}

async function faultCommand(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { "data-dir": { type: "string", default: "data/sim" }, cluster: { type: "string", default: "sim-1" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`kpanda sim fault: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let req: FaultRequest | "status";
  try {
    req = parseFault(positionals);
  } catch (e) {
    process.stderr.write(`kpanda sim fault: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let ctl: ControlFile;
  try {
    ctl = JSON.parse(await readFile(join(String(values["data-dir"]), CONTROL_FILE), "utf8"));
  } catch (e) {
    process.stderr.write(`kpanda sim fault: no running simulator in ${values["data-dir"]}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    const res = await fetch(`${ctl.url}/clusters/${values.cluster}/faults`, {
      method: req === "status" ? "GET" : "POST",
      headers: { Authorization: `Bearer ${ctl.token}`, "Content-Type": "application/json" },
      body: req === "status" ? undefined : JSON.stringify(req),
    });
    const text = await res.text();
    if (!res.ok) {
      process.stderr.write(`kpanda sim fault: ${text}\n`);
      return 1;
    }
    process.stdout.write(`${text}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`kpanda sim fault: the simulator does not answer: ${(e as Error).message}\n`);
    return 1;
  }
}

export async function simCommand(argv: string[]): Promise<number> {
  if (argv[0] === "fault") return faultCommand(argv.slice(1));
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        clusters: { type: "string", default: "1" },
        nodes: { type: "string", default: "3" },
        "data-dir": { type: "string", default: "data/sim" },
        "listen-host": { type: "string", default: "127.0.0.1" },
        "log-level": { type: "string", default: "info" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`kpanda sim: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const clusters = Number(values.clusters);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(clusters) || clusters < 1 || !Number.isInteger(nodes) || nodes < 0) {
    process.stderr.write("kpanda sim: --clusters must be a whole number >= 1 and --nodes >= 0\n");
    return 2;
  }
  const dataDir = String(values["data-dir"]);
  const host = String(values["listen-host"]);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const logger = pino({ level: String(values["log-level"]) });
  const sim = await startSimulator({ clusters, nodes, dataDir, host, logger });
  const control = await startControl(dataDir, (name) => sim.clusters.find((c) => c.name === name)?.faults);
  for (const c of sim.clusters) logger.info({ cluster: c.name, url: c.url, kubeconfig: c.kubeconfigPath }, "simulated cluster ready");
  logger.info({ control: control.file.url, clusters, nodes }, "kpanda sim ready");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  control.server.close();
  await rm(join(dataDir, CONTROL_FILE), { force: true });
  await sim.stop();
  return 0;
}
