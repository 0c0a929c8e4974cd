#!/usr/bin/env node
// Runs a Node script or a command under Node.js 24 or newer, bringing Node 24
// from the npm registry (`npx -y node@24`) when the running Node is older.
// package.json's scripts go through it, so `npm start` and `npm test` work on
// a machine whose system Node is older. Plain JavaScript for any Node >= 18.
//
//   node bin/node24.mjs SCRIPT [ARGS...]          a Node script, e.g. bin/kpanda serve --demo
//   node bin/node24.mjs --exec COMMAND [ARGS...]  a command, e.g. npm run check
//
// With Node 24 running it adds no process: a script is imported in place, a
// command replaces this process (process.execve). With an older Node it says
// so in one line, puts Node 24's directory first on PATH (so every `node`
// the command starts is Node 24 too) and runs the script or command as its
// child, passing on its exit code and termination signals.
import { execFileSync, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const NEED = 24;
const argv = process.argv.slice(2);
const exec = argv[0] === "--exec";
const [target, ...args] = exec ? argv.slice(1) : argv;
if (!target) {
  process.stderr.write("usage: node bin/node24.mjs SCRIPT [ARGS...] | --exec COMMAND [ARGS...]\n");
  process.exit(2);
}

if (Number(process.versions.node.split(".")[0]) >= NEED) {
  if (!exec) {
    const script = resolve(target);
    process.argv = [process.execPath, script, ...args];
    await import(pathToFileURL(script).href);
  } else if (typeof process.execve === "function") {
    process.execve(which(target, process.env.PATH), [target, ...args], process.env);
  } else {
    run(target, args, process.env);
  }
} else {
  process.stderr.write(`node ${process.version} is older than ${NEED}: running under Node ${NEED} from the npm registry (npx -y node@${NEED})\n`);
  const node = node24();
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ""}` };
  if (exec) run(target, args, env);
  else run(node, [target, ...args], env);
}

/** The path of Node 24's binary, fetched into npx's cache on first use. */
function node24() {
  try {
    const out = execFileSync("npx", ["-y", `node@${NEED}`, "-p", "process.execPath"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.trim().split("\n").pop();
  } catch (e) {
    process.stderr.write(`could not get Node ${NEED} with npx: ${(e.stderr || e.message || "").toString().trim()}\n`);
    process.exit(1);
  }
}

/** A command's path, as a shell finds it on PATH. */
function which(cmd, path = "") {
  if (cmd.includes("/")) return isAbsolute(cmd) ? cmd : resolve(cmd);
  for (const dir of path.split(delimiter)) {
    const file = join(dir || ".", cmd);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  process.stderr.write(`${cmd}: command not found\n`);
  process.exit(127);
}

/**
 * Runs the command as a child and ends as it ends. SIGTERM and SIGHUP are
 * passed on; SIGINT is not (a terminal's Ctrl-C reaches the child through
 * its process group already, and a second one would cut its shutdown short).
 */
function run(cmd, cmdArgs, env) {
  const child = spawn(cmd, cmdArgs, { stdio: "inherit", env });
  for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  process.on("SIGINT", () => {});
  child.on("error", (e) => {
    process.stderr.write(`${cmd}: ${e.message}\n`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
