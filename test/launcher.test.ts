// bin/node24.mjs (npm start and npm test) and bin/kpanda on an older Node:
// the launcher brings Node 24 from the npm registry and says so in one line;
// with Node 24 already running it adds no process. The older Node is
// Node 20 from the npm registry (`npx -y node@20`); without the registry
// those cases are skipped.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LAUNCHER = resolve(ROOT, "bin/node24.mjs");
const KPANDA = resolve(ROOT, "bin/kpanda");

type Run = { code: number; stdout: string; stderr: string };

async function run(node: string, args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(node, args, { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

/** A Node 20 binary, or undefined when the registry cannot give one. */
async function node20(): Promise<string | undefined> {
  const r = await run("npx", ["-y", "node@20", "-p", "process.execPath"]).catch(() => undefined);
  const path = r?.code === 0 ? r.stdout.trim().split("\n").pop() : undefined;
  return path && (await run(path, ["-p", "process.versions.node"])).stdout.startsWith("20.") ? path : undefined;
}

describe("the Node 24 launcher", () => {
  it("with Node 24, replaces itself by the command (same process, nothing printed) and passes on its exit code", async () => {
    const r = await run(process.execPath, [LAUNCHER, "--exec", "node", "-e", "console.log(process.pid); process.exit(3)"]);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, "");
    const pids = await run(process.execPath, [
      "-e",
      `const c = require("node:child_process").spawn(process.execPath, [${JSON.stringify(LAUNCHER)}, "--exec", "node", "-p", "process.pid"]);
       let out = ""; c.stdout.on("data", (d) => (out += d)); c.on("exit", () => console.log(c.pid, out.trim()));`,
    ]);
    const [launcherPid, commandPid] = pids.stdout.trim().split(" ");
    assert.equal(commandPid, launcherPid, "the command ran in the launcher's own process");
  });

  it("with Node 24, runs a script in place", async () => {
    const r = await run(process.execPath, [LAUNCHER, KPANDA, "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^kpanda: one console and one API/);
    assert.equal(r.stderr, "");
  });

  it("with Node 20, says so in one line and runs the command under Node 24, with Node 24 first on PATH", async (t) => {
    const old = await node20();
    if (!old) return t.skip("no Node 20 from the npm registry");
    const version = (await run(old, ["-p", "process.version"])).stdout.trim();
    // The command's own `node` is found on PATH: Node 24's directory comes first.
    const r = await run(old, [LAUNCHER, "--exec", "node", "-e", "console.log(process.versions.node); process.exit(4)"]);
    assert.equal(r.code, 4);
    assert.equal(r.stderr, `node ${version} is older than 24: running under Node 24 from the npm registry (npx -y node@24)\n`);
    assert.ok(Number(r.stdout.trim().split(".")[0]) >= 24, r.stdout);
  });

  it("bin/kpanda under Node 20 says what to do in one line instead of a loader stack trace", async (t) => {
    const old = await node20();
    if (!old) return t.skip("no Node 20 from the npm registry");
    const r = await run(old, [KPANDA, "serve", "--demo"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split("\n").filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^kpanda needs Node\.js 24 or newer \(this is v20\.[\d.]+\); run "npx -y node@24 .*bin\/kpanda serve --demo", or npm start\n$/);
    assert.equal(r.stdout, "");
  });
});
