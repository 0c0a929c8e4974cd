// Test harness: an API server on a free loopback port (or any cluster named
// by KPANDA_TEST_KUBECONFIG), and kubectl pointed at it with its own cache.
// The kubectl binary is `kubectl` from the PATH, or the one named by
// KPANDA_TEST_KUBECTL (e.g. a path to kubectl.1.27, to run a suite with an
// older client), or the one a test passes to startCluster.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";

export type Cluster = {
  kubeconfigPath: string;
  /** Set when the cluster is our in-process server. */
  server?: ApiServer;
  kubectl(args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  /** `kubectl apply -f -` of YAML text (one or more documents). */
  apply(yaml: string, args?: string[]): Promise<KubectlResult>;
  /**
   * Creates a namespace named `base` plus a suffix unique to this cluster
   * handle (so reruns against a shared cluster do not collide); close()
   * deletes it when the cluster is not ours.
   */
  namespace(base: string): Promise<string>;
  /** kubectl authenticated by a bearer token alone (no client certificate), on the same cluster. */
  kubectlWithToken(token: string, args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`) as a child process. */
  spawnKubectl(args: string[]): KubectlProcess;
  close(): Promise<void>;
};

export type KubectlProcess = {
  /** Resolves with the first stdout line (from the start) that matches, or rejects if kubectl exits first. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Every stdout line seen so far. */
  lines(): string[];
  stderr(): string;
  kill(): Promise<void>;
};

export type KubectlResult = { code: number; stdout: string; stderr: string };

/** The kubectl binary tests run: KPANDA_TEST_KUBECTL, else `kubectl` from the PATH. */
export function defaultKubectl(): string {
  return process.env.KPANDA_TEST_KUBECTL || "kubectl";
}

/**
 * The path of `kubectl.<minor>` (e.g. "1.27") beside the real file that
 * `kubectl` on the PATH resolves to, where the machine image keeps the other
 * client versions; undefined when there is none.
 */
export function kubectlVersion(minor: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const found = join(dir, "kubectl");
    if (!dir || !existsSync(found)) continue;
    const candidate = join(dirname(realpathSync(found)), `kubectl.${minor}`);
    return existsSync(candidate) ? candidate : undefined;
  }
  return undefined;
}

export async function startCluster(
  opts: { historySize?: number; tokenAuthFile?: string; kubectl?: string } = {},
): Promise<Cluster> {
  const bin = opts.kubectl ?? defaultKubectl();
  const dir = await mkdtemp(join(tmpdir(), "kpanda-test-"));
  let server: ApiServer | undefined;
  let kubeconfigPath = process.env.KPANDA_TEST_KUBECONFIG ?? "";
  if (!kubeconfigPath) {
    server = await startApiServer({ port: 0, historySize: opts.historySize, tokenAuthFile: opts.tokenAuthFile });
    kubeconfigPath = join(dir, "kubeconfig");
    await writeFile(kubeconfigPath, server.kubeconfig(), { mode: 0o600 });
  }
  const cacheDir = join(dir, "cache");
  const base = ["--kubeconfig", kubeconfigPath, "--cache-dir", cacheDir];
  const suffix = randomBytes(3).toString("hex");
  const namespaces: string[] = [];
  const kubectl: Cluster["kubectl"] = (args, o = {}) => runKubectl([...base, ...args], { ...o, bin });
  return {
    kubeconfigPath,
    server,
    kubectl,
    apply: (yaml, args = []) => kubectl(["apply", "-f", "-", ...args], { input: yaml }),
    namespace: async (name) => {
      const ns = `${name}-${suffix}`;
      await kubectl(["apply", "-f", "-"], {
        input: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
      });
      namespaces.push(ns);
      return ns;
    },
    kubectlWithToken: async (token, args, o = {}) => {
      const path = join(dir, `token-${randomBytes(4).toString("hex")}.kubeconfig`);
      await writeFile(path, tokenKubeconfig(await readFile(kubeconfigPath, "utf8"), token), { mode: 0o600 });
      return runKubectl(["--kubeconfig", path, "--cache-dir", cacheDir, ...args], { ...o, bin });
    },
    spawnKubectl: (args) => spawnKubectl([...base, ...args], bin),
    close: async () => {
      if (!server && namespaces.length > 0) {
        await kubectl(["delete", "namespace", "--wait=false", "--ignore-not-found", ...namespaces], {
          allowFail: true,
        });
      }
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A kubeconfig for the current context's cluster of `kubeconfig`, whose user is a bearer token. */
export function tokenKubeconfig(kubeconfig: string, token: string): string {
  const cfg = parseYaml(kubeconfig);
  const ctx = cfg.contexts.find((c: any) => c.name === cfg["current-context"]).context;
  const cluster = cfg.clusters.find((c: any) => c.name === ctx.cluster);
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [cluster],
    users: [{ name: "token", user: { token } }],
    contexts: [{ name: "token", context: { cluster: cluster.name, user: "token", namespace: ctx.namespace } }],
    "current-context": "token",
  });
}

/**
 * kubectl 1.32's WebSocket executor reads the connection before it has made
 * its streams, so output that arrives along with the handshake is dropped
 * ("Unknown stream id 1, discarding message") and an exec exits 0 without it
 * (kubernetes#131189, fixed by #131203 in 1.33). A loaded machine, where our
 * proxies pass the 101 and the first output on in one write, meets it now and
 * then; the tests' execs read and print, so they are run again when it shows.
 */
const KUBECTL_LOST_OUTPUT = /Unknown stream id \d+, discarding message/;

export async function runKubectl(
  args: string[],
  opts: { input?: string; allowFail?: boolean; bin?: string } = {},
): Promise<KubectlResult> {
  // The environment as the call began (callers set KUBECTL_* around it), for any rerun.
  const env = { ...process.env };
  for (let attempt = 1; ; attempt++) {
    const r = await runKubectlOnce(args, opts, env);
    if (attempt === 3 || !KUBECTL_LOST_OUTPUT.test(r.stderr)) return r;
  }
}

function runKubectlOnce(args: string[], opts: { input?: string; allowFail?: boolean; bin?: string }, env: NodeJS.ProcessEnv): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      opts.bin ?? defaultKubectl(),
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env },
      (err, stdout, stderr) => {
        const code = err ? ((err as any).code ?? 1) : 0;
        if (code !== 0 && !opts.allowFail) {
          reject(
            new Error(
              `kubectl ${args.slice(4).join(" ")} exited ${code}\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          );
          return;
        }
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

function spawnKubectl(args: string[], bin: string): KubectlProcess {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  const seen: string[] = [];
  let partial = "";
  let stderr = "";
  let exited = false;
  const waiters: {
    match: (line: string) => boolean;
    resolve: (l: string) => void;
    reject: (e: Error) => void;
  }[] = [];
  const exitedPromise = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.on("data", (chunk: string) => {
    partial += chunk;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      seen.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.once("close", (code) => {
    exited = true;
    for (const w of waiters.splice(0)) {
      w.reject(
        new Error(
          `kubectl exited ${code} before the line came\nstdout: ${seen.join("\n")}\nstderr: ${stderr}`,
        ),
      );
    }
  });
  return {
    waitForLine: (match) => {
      const found = seen.find(match);
      if (found !== undefined) return Promise.resolve(found);
      if (exited) return Promise.reject(new Error(`kubectl exited before the line came\nstderr: ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
    lines: () => [...seen],
    stderr: () => stderr,
    kill: async () => {
      if (!exited) child.kill("SIGTERM");
      await exitedPromise;
    },
  };
}

/** Objects as one multi-document YAML stream, quoted for kubectl's YAML 1.1 (y, no, on...). */
export function yamlDocs(...objects: object[]): string {
  return objects.map((o) => stringify(o, { version: "1.1" })).join("---\n");
}

/** The column headers of kubectl's table output (first line, split on runs of spaces). */
export function headers(stdout: string): string[] {
  return stdout
    .split("\n")[0]
    .trim()
    .split(/\s{2,}/);
}
