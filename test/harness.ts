// Test harness: an API server on a free loopback port (or any cluster named
// by KPANDA_TEST_KUBECONFIG), and kubectl pointed at it with its own cache.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ApiServer, startApiServer } from "../src/apiserver/server.ts";

export type Cluster = {
  kubeconfigPath: string;
  /** Set when the cluster is our in-process server. */
  server?: ApiServer;
  kubectl(args: string[], opts?: { input?: string; allowFail?: boolean }): Promise<KubectlResult>;
  close(): Promise<void>;
};

export type KubectlResult = { code: number; stdout: string; stderr: string };

export async function startCluster(opts: { historySize?: number } = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "kpanda-test-"));
  let server: ApiServer | undefined;
  let kubeconfigPath = process.env.KPANDA_TEST_KUBECONFIG ?? "";
  if (!kubeconfigPath) {
    server = await startApiServer({ port: 0, historySize: opts.historySize });
    kubeconfigPath = join(dir, "kubeconfig");
    await writeFile(kubeconfigPath, server.kubeconfig(), { mode: 0o600 });
  }
  const cacheDir = join(dir, "cache");
  return {
    kubeconfigPath,
    server,
    kubectl: (args, o = {}) => runKubectl(["--kubeconfig", kubeconfigPath, "--cache-dir", cacheDir, ...args], o),
    close: async () => {
      await server?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function runKubectl(args: string[], opts: { input?: string; allowFail?: boolean } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile("kubectl", args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as any).code ?? 1) : 0;
      if (code !== 0 && !opts.allowFail) {
        reject(new Error(`kubectl ${args.slice(4).join(" ")} exited ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
