// The simulated container's shell, busybox-flavoured. Its commands are the
// container's only "binaries":
//
//   echo [-n] [-e] ARG...   env / printenv [NAME...]   hostname   pwd   cd [DIR]
//   cat FILE...   ls [-1al] [PATH...]   true   false   sleep SECONDS
//   sh [-c COMMAND]   exit [N]   export NAME[=VALUE]...   whoami   id   uname [-a]   help
//
// with output redirections to /dev/null or the other stream (`>&2`, `2>&1`);
// over the container's environment and synthetic filesystem (filesystem.ts).
// Anything else is busybox's "sh: NAME: not found" with status 127. Messages
// follow busybox 1.36's wording; exit and cd exist only inside the shell, as
// in a real image, so `kubectl exec POD -- exit 1` fails like a missing binary.
import { type Filesystem, type FsNode, resolvePath } from "./filesystem.ts";
import { type Command, parse, type Redirect, ShellSyntaxError, type Word } from "./parse.ts";

export type ShellIO = { out(s: string): void; err(s: string): void };

export type ShellState = {
  /** Exported variables, in the order `env` prints them. */
  env: Map<string, string>;
  /** Shell variables that are not exported. */
  vars: Map<string, string>;
  cwd: string;
  fs: Filesystem;
  hostname: string;
  status: number;
};

/** `exit N`: ends the shell that runs it. */
export class ExitSignal {
  readonly code: number;
  constructor(code: number) {
    this.code = code;
  }
}

type Builtin = (sh: Shell, args: string[]) => Promise<number> | number;

const SHELL_ONLY = new Set(["exit", "cd", "export"]);

/** Is argv[0] a program of the image (what a direct exec can start)? */
export function isBinary(name: string): boolean {
  const base = binaryName(name);
  return base in BUILTINS && !SHELL_ONLY.has(base);
}

/** /bin/sh and /usr/bin/env name the same programs as sh and env. */
export function binaryName(name: string): string {
  const m = /^\/(?:usr\/)?(?:local\/)?s?bin\/([^/]+)$/.exec(name);
  return m ? m[1] : name;
}

export class Shell {
  readonly state: ShellState;
  io: ShellIO;
  /** Aborted to interrupt a running command (Ctrl-C, or the client going away). */
  signal: AbortSignal;
  /** The session's standard input to its end, for `cat` without files; absent when a prompt reads it. */
  stdin?: () => Promise<string>;

  constructor(state: ShellState, io: ShellIO, signal: AbortSignal) {
    this.state = state;
    this.io = io;
    this.signal = signal;
  }

  /** Runs one command line; returns its status (ExitSignal propagates). */
  async runLine(line: string): Promise<number> {
    let cmds: Command[];
    try {
      cmds = parse(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.io.err(`sh: ${e.message}\n`);
      this.state.status = 2;
      return 2;
    }
    for (const c of cmds) {
      if (c.op === "&&" && this.state.status !== 0) continue;
      if (c.op === "||" && this.state.status === 0) continue;
      const io = this.redirected(c.redirects);
      if (!io) {
        this.state.status = 1;
        continue;
      }
      const saved = this.io;
      this.io = io;
      try {
        this.state.status = await this.runCommand(c.words.map((w) => this.expand(w)));
      } finally {
        this.io = saved;
      }
    }
    return this.state.status;
  }

  /** The io for a command's redirections, or undefined (after busybox's message) for a file it cannot create. */
  private redirected(redirects: Redirect[]): ShellIO | undefined {
    if (!redirects.length) return this.io;
    const base = this.io;
    const fds: Record<1 | 2, (s: string) => void> = { 1: (s) => base.out(s), 2: (s) => base.err(s) };
    for (const r of redirects) {
      if (r.to === "&1" || r.to === "&2") fds[r.fd] = fds[r.to === "&1" ? 1 : 2];
      else {
        const path = this.expand(r.to);
        if (path !== "/dev/null") {
          base.err(`sh: can't create ${path}: Read-only file system\n`);
          return undefined;
        }
        fds[r.fd] = () => {};
      }
    }
    return { out: fds[1], err: fds[2] };
  }

  private expand(w: Word): string {
    return w.map((p) => ("lit" in p ? p.lit : this.lookup(p.var))).join("");
  }

  lookup(name: string): string {
    if (name === "?") return String(this.state.status);
    if (name === "$") return "1";
    if (name === "#") return "0";
    if (name === "0") return "sh";
    return this.state.vars.get(name) ?? this.state.env.get(name) ?? "";
  }

  private async runCommand(argv: string[]): Promise<number> {
    const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
    while (argv.length && assign.test(argv[0])) {
      const [, k, v] = assign.exec(argv.shift()!)!;
      if (this.state.env.has(k)) this.state.env.set(k, v);
      else this.state.vars.set(k, v);
    }
    if (!argv.length) return 0;
    return this.runArgv(argv);
  }

  /** Runs a program or builtin by argv. */
  async runArgv(argv: string[]): Promise<number> {
    const fn = BUILTINS[binaryName(argv[0])];
    if (!fn) {
      this.io.err(`sh: ${argv[0]}: not found\n`);
      return 127;
    }
    return fn(this, argv.slice(1));
  }

  node(path: string): FsNode | undefined {
    return this.state.fs.lookup(resolvePath(this.state.cwd, path));
  }
}

const echo: Builtin = (sh, args) => {
  let newline = true;
  let escapes = false;
  while (/^-[neE]+$/.test(args[0] ?? "")) {
    const f = args.shift()!;
    if (f.includes("n")) newline = false;
    if (f.includes("e")) escapes = true;
  }
  let s = args.join(" ");
  if (escapes) s = s.replace(/\\([nt\\])/g, (_, c) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
  sh.io.out(newline ? `${s}\n` : s);
  return 0;
};

const env: Builtin = (sh, args) => {
  if (args.length) {
    let missing = 0;
    for (const a of args) {
      const v = sh.state.env.get(a);
      if (v === undefined) missing = 1;
      else sh.io.out(`${v}\n`);
    }
    return missing;
  }
  for (const [k, v] of sh.state.env) sh.io.out(`${k}=${v}\n`);
  return 0;
};

const cat: Builtin = async (sh, args) => {
  let status = 0;
  for (const a of args.length ? args : ["-"]) {
    if (a === "-") {
      sh.io.out((await sh.stdin?.()) ?? "");
      continue;
    }
    const n = sh.node(a);
    if (!n) {
      sh.io.err(`cat: can't open '${a}': No such file or directory\n`);
      status = 1;
    } else if ("dir" in n) {
      sh.io.err("cat: read error: Is a directory\n");
      status = 1;
    } else sh.io.out(n.file);
  }
  return status;
};

function lsLine(name: string, n: FsNode, long: boolean): string {
  if (!long) return name;
  const isDir = "dir" in n;
  const size = isDir ? 4096 : Buffer.byteLength(n.file);
  return `${isDir ? "drwxr-xr-x" : "-rw-r--r--"}    ${isDir ? 2 : 1} root     root     ${String(size).padStart(9)} Jan  1 00:00 ${name}`;
}

const ls: Builtin = (sh, args) => {
  const flags = new Set<string>();
  const paths: string[] = [];
  for (const a of args) {
    if (/^-[a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else paths.push(a);
  }
  const bad = [...flags].find((f) => !"1al".includes(f));
  if (bad) {
    sh.io.err(`ls: unrecognized option: ${bad}\n`);
    return 1;
  }
  const long = flags.has("l");
  let status = 0;
  const targets = paths.length ? paths : ["."];
  targets.forEach((p, i) => {
    const n = sh.node(p);
    if (!n) {
      sh.io.err(`ls: ${p}: No such file or directory\n`);
      status = 1;
      return;
    }
    if (!("dir" in n)) {
      sh.io.out(`${lsLine(p, n, long)}\n`);
      return;
    }
    if (targets.length > 1) sh.io.out(`${i ? "\n" : ""}${p}:\n`);
    const names = [...n.dir.keys()].filter((k) => flags.has("a") || !k.startsWith(".")).sort();
    if (flags.has("a")) names.unshift(".", "..");
    for (const k of names) sh.io.out(`${lsLine(k, n.dir.get(k) ?? { dir: new Map() }, long)}\n`);
  });
  return status;
};

const cd: Builtin = (sh, args) => {
  const target = args[0] ?? "/root";
  const n = sh.node(target);
  if (!n || !("dir" in n)) {
    sh.io.err(`sh: cd: can't cd to ${target}: ${n ? "Not a directory" : "No such file or directory"}\n`);
    return 2;
  }
  sh.state.cwd = `/${resolvePath(sh.state.cwd, target).join("/")}`;
  return 0;
};

const sleep: Builtin = async (sh, args) => {
  const s = Number(args[0]);
  if (!args.length || !Number.isFinite(s) || s < 0) {
    sh.io.err(args.length ? `sleep: invalid number '${args[0]}'\n` : "sleep: missing operand\n");
    return 1;
  }
  const interrupted = await new Promise<boolean>((resolve) => {
    if (sh.signal.aborted) return resolve(true);
    const t = setTimeout(() => {
      sh.signal.removeEventListener("abort", onAbort);
      resolve(false);
    }, s * 1000);
    const onAbort = () => {
      clearTimeout(t);
      resolve(true);
    };
    sh.signal.addEventListener("abort", onAbort, { once: true });
  });
  return interrupted ? 130 : 0;
};

const shBuiltin: Builtin = async (shell, args) => {
  if (args[0] === "-c") {
    if (args.length < 2) {
      shell.io.err("sh: -c requires an argument\n");
      return 2;
    }
    try {
      return await shell.runLine(args[1]);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
  }
  // A nested interactive shell would need the terminal; this one returns at once.
  return 0;
};

const exit: Builtin = (shell, args) => {
  const n = args.length ? Number(args[0]) : shell.state.status;
  if (!Number.isInteger(n)) {
    shell.io.err(`sh: exit: Illegal number: ${args[0]}\n`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(((n % 256) + 256) % 256);
};

const exportVars: Builtin = (shell, args) => {
  for (const a of args) {
    const eq = a.indexOf("=");
    const k = eq < 0 ? a : a.slice(0, eq);
    const v = eq < 0 ? (shell.state.vars.get(k) ?? shell.state.env.get(k) ?? "") : a.slice(eq + 1);
    shell.state.vars.delete(k);
    shell.state.env.set(k, v);
  }
  return 0;
};

function print(sh: Shell, s: string): number {
  sh.io.out(s);
  return 0;
}

const BUILTINS: Record<string, Builtin> = {
  echo,
  env,
  printenv: env,
  cat,
  ls,
  cd,
  sleep,
  sh: shBuiltin,
  exit,
  export: exportVars,
  hostname: (s) => print(s, `${s.state.hostname}\n`),
  pwd: (s) => print(s, `${s.state.cwd}\n`),
  true: () => 0,
  false: () => 1,
  whoami: (s) => print(s, "root\n"),
  id: (s) => print(s, "uid=0(root) gid=0(root) groups=0(root),10(wheel)\n"),
  uname: (s, a) => print(s, a.includes("-a") ? `Linux ${s.state.hostname} 6.8.0-49-generic #49-Ubuntu SMP x86_64 GNU/Linux\n` : "Linux\n"),
  help: (s) => {
    s.io.out(`Built-in commands:\n------------------\n\t${Object.keys(BUILTINS).sort().join(" ")}\n`);
    return 0;
  },
};
