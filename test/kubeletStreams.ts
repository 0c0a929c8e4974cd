// Helpers for the simulated-kubelet tests: kubectl in a pseudo-terminal
// (util-linux `script`, since kubectl needs a tty for -t), a free loopback
// port, and a plain HTTP GET.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";

export type PtyProcess = {
  /** Types keys into the terminal. */
  type(keys: string): void;
  /** Resolves once the terminal output (so far) matches. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** The exit code (script -e passes kubectl's on) and everything the terminal showed. */
  done: Promise<{ code: number; output: string }>;
  kill(): void;
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `kubectl args...` under a pseudo-terminal. */
export function ptyKubectl(args: string[], env: NodeJS.ProcessEnv = {}): PtyProcess {
  const cmd = ["kubectl", ...args].map(quote).join(" ");
  const child = spawn("script", ["-qefc", cmd, "/dev/null"], { env: { ...process.env, ...env, TERM: "dumb" }, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const done = new Promise<{ code: number; output: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, output })));
  return {
    type: (keys) => void child.stdin.write(keys),
    waitFor: (re, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!re.test(output)) return;
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(t);
          resolve(output);
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`timed out waiting for ${re} in terminal output:\n${output}`));
        }, ms);
        waiters.push(check);
        check();
      }),
    done,
    kill: () => child.kill("SIGTERM"),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}
