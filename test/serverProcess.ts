// `kpanda apiserver` as a child process, for tests that restart or kill it,
// and a small HTTPS client that uses the admin kubeconfig it writes.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { Agent, request } from "node:https";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const KPANDA = resolve(dirname(fileURLToPath(import.meta.url)), "../bin/kpanda");

export type Reply = { status: number; body: any };
export type WatchEvent = { type: string; object: any };

export type ServerProcess = {
  url: string;
  /** The CA the kubeconfig trusts (base64 PEM, as written there). */
  caData: string;
  proc: ChildProcess;
  request(method: string, path: string, body?: unknown): Promise<Reply>;
  /** Opens a watch (path includes ?watch=1&...); events arrive through onEvent until close(). */
  watch(path: string, onEvent: (e: WatchEvent) => void): Promise<{ status: number; close(): void; ended: Promise<void> }>;
  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves once the process is gone. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
};

/** Starts `node bin/kpanda apiserver --listen 127.0.0.1:0 --data-dir DIR ...args` and waits until it serves. */
export async function startServerProcess(dir: string, args: string[] = []): Promise<ServerProcess> {
  const proc = spawn(
    process.execPath,
    [KPANDA, "apiserver", "--listen", "127.0.0.1:0", "--data-dir", dir, "--log-level", "info", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  proc.stderr!.on("data", (c) => {
    stderr += c;
  });
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  const url = await new Promise<string>((ok, fail) => {
    // A server that never became ready is killed, or its open pipes would keep the test process alive for good.
    // 90 s: a cold start of TypeScript on a loaded 2-core machine has taken 10 s and more.
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      fail(new Error(`apiserver not ready in 90 s\n${stderr}`));
    }, 90_000);
    proc.once("exit", (code, sig) => fail(new Error(`apiserver exited (${code ?? sig}) before serving\n${stderr}`)));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === "kpanda apiserver ready") {
          clearTimeout(timer);
          ok(rec.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  const kc = parse(await readFile(join(dir, "kubeconfig"), "utf8"));
  const b64 = (s: string) => Buffer.from(s, "base64");
  const caData: string = kc.clusters[0].cluster["certificate-authority-data"];
  const tls = { ca: b64(caData), cert: b64(kc.users[0].user["client-certificate-data"]), key: b64(kc.users[0].user["client-key-data"]) };
  const agent = new Agent({ ...tls, keepAlive: true, maxSockets: 64 });

  const req: ServerProcess["request"] = (method, path, body) =>
    new Promise((ok, fail) => {
      const r = request(new URL(path, url), { method, agent, headers: { "content-type": "application/json", accept: "application/json" } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => ok({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
        res.on("error", fail);
      });
      r.on("error", fail);
      r.end(body === undefined ? undefined : JSON.stringify(body));
    });

  const watch: ServerProcess["watch"] = (path, onEvent) =>
    new Promise((ok, fail) => {
      // Its own connection, so closing the stream does not disturb the pool.
      const r = request(new URL(path, url), { ...tls, agent: false, headers: { accept: "application/json" } }, (res) => {
        const ended = new Promise<void>((done) => {
          res.on("end", done);
          res.on("close", done);
        });
        // close() aborts the response; readline re-emits that as an error.
        const lines = createInterface({ input: res });
        lines.on("error", () => {});
        lines.on("line", (line) => {
          if (line.trim()) onEvent(JSON.parse(line));
        });
        ok({ status: res.statusCode!, close: () => r.destroy(), ended });
      });
      r.on("error", fail);
      r.end();
    });

  return {
    url,
    caData,
    proc,
    request: req,
    watch,
    stop: async (signal = "SIGTERM") => {
      agent.destroy();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}
