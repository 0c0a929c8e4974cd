// Where the benchmark points: a cluster named by a kubeconfig, or our own API
// server with memory or SQLite storage, started either in a child process (its own
// core, as deployed) or in this process.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type ClusterAccess, loadKubeconfig, parseKubeconfig } from "./kubeconfig.ts";

export type Target = {
  access: ClusterAccess;
  /** One line describing the setup, for the report. */
  setup: string;
  /** Child process id, when the server runs in one. */
  pid?: number;
  /** The server's CPU time so far (user + system) in seconds, when it can be read. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
};

export type TargetOptions = {
  kubeconfig?: string;
  context?: string;
  inProcess: boolean;
  /** Storage of our own server. */
  storage: "memory" | "sqlite";
  /** Directory for the server child's --cpu-prof output. */
  serverCpuProf?: string;
  /** The bin/kpanda to run as the child (another checkout, to compare commits). */
  kpanda?: string;
  /** With kubeconfig: processes whose CPU time counts as the server's (e.g. kube-apiserver and etcd). */
  serverPids?: number[];
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export async function openTarget(opts: TargetOptions): Promise<Target> {
  if (opts.kubeconfig) {
    const access = loadKubeconfig(opts.kubeconfig, opts.context);
    const pids = opts.serverPids ?? [];
    const counted = pids.length ? `; server CPU counted over pids ${pids.join(", ")}` : "";
    const setup = `cluster from ${opts.kubeconfig} (context "${access.context}", ${access.server})${counted}`;
    const cpuSeconds = () => {
      if (pids.length === 0) return undefined;
      let sum = 0;
      for (const pid of pids) {
        const s = procCpuSeconds(pid);
        if (s === undefined) return undefined;
        sum += s;
      }
      return sum;
    };
    return { access, setup, cpuSeconds, stop: async () => {} };
  }
  if (opts.inProcess) return inProcess(opts.storage);
  return child(opts.kpanda ?? join(ROOT, "bin/kpanda"), opts.storage, opts.serverCpuProf);
}

async function inProcess(storage: "memory" | "sqlite"): Promise<Target> {
  // Only this mode reaches into src/: the load still goes over HTTPS.
  const { startApiServer } = await import("../src/apiserver/server.ts");
  const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-"));
  const server = await startApiServer({ port: 0, storage, dataDir: dir });
  const access = parseKubeconfig(server.kubeconfig(), process.cwd());
  return {
    access,
    setup: `kpanda apiserver, ${storage} storage, in this process (shares the load generator's core), ${server.url}`,
    cpuSeconds: () => undefined,
    stop: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function child(kpanda: string, storage: "memory" | "sqlite", cpuProfDir?: string): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-bench-"));
  const nodeArgs = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${resolve(cpuProfDir)}`] : [];
  const args = [
    ...nodeArgs,
    resolve(kpanda),
    "apiserver",
    "--listen",
    "127.0.0.1:0",
    "--data-dir",
    dir,
    "--storage",
    storage,
    "--log-level",
    "info",
  ];
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const stop = async () => {
    await stopChild(proc);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await readyUrl(proc);
    const access = parseKubeconfig(await readFile(join(dir, "kubeconfig"), "utf8"), dir);
    const prof = cpuProfDir ? `, CPU profile to ${cpuProfDir}` : "";
    const bin = binNote(kpanda);
    const setup = `kpanda apiserver${bin}, ${storage} storage (data dir ${dir}), child process pid ${proc.pid} (${url})${prof}; load generator in this process`;
    return { access, setup, pid: proc.pid, cpuSeconds: () => procCpuSeconds(proc.pid), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const binNote = (kpanda: string) => (resolve(kpanda) === join(ROOT, "bin/kpanda") ? "" : ` (${resolve(kpanda)})`);

/** Waits for the server's "ready" log line; later lines at warn or above go to stderr. */
function readyUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let ready = false;
    const timer = setTimeout(() => reject(new Error("apiserver child did not become ready within 30 s")), 30_000);
    proc.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`apiserver child exited early (code ${code}, signal ${signal})`));
    });
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      let rec: { level?: number; msg?: string; url?: string };
      try {
        rec = JSON.parse(line);
      } catch {
        process.stderr.write(`apiserver: ${line}\n`);
        return;
      }
      if (!ready && rec.msg === "kpanda apiserver ready" && rec.url) {
        ready = true;
        clearTimeout(timer);
        resolveUrl(rec.url);
      } else if ((rec.level ?? 0) >= 40) {
        process.stderr.write(`apiserver: ${line}\n`);
      }
    });
  });
}

/** SIGTERM, then SIGKILL after 15 s (a CPU profile takes a moment to write). */
async function stopChild(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process from /proc (Linux), in seconds; USER_HZ is 100 there. */
function procCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
