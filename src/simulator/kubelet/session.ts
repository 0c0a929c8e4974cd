// What runs behind an exec or attach stream, whatever the protocol carrying
// it (WebSocket channels or SPDY streams): the container's shell and its
// programs, and the status that ends the session. The statuses are the CRI
// streaming server's (k8s.io/kubelet/pkg/cri/streaming/remotecommand
// exec.go) over containerd's errors: Success; Failure with reason
// NonZeroExitCode and an ExitCode cause; or an InternalError when the
// program cannot start.
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { KObject } from "../../apiserver/client.ts";
import { binaryName, ExitSignal, isBinary, Shell, type ShellState } from "./shell/Shell.ts";
import { readLines } from "./shell/terminal.ts";

export type StreamOptions = { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };

/** One exec or attach stream, as its protocol presents it. */
export type Session = {
  opts: StreamOptions;
  /** The client's input, when stdin was asked for; ends at the client's end of input. */
  stdin?: Readable;
  /** Writes to stdout (1) or stderr (2); a stream the client did not ask for drops it. */
  write(channel: 1 | 2, data: string): void;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Sends the status on the error stream and closes the session. */
  finish(status: KObject): void;
};

/** What a session needs from its container. */
export type ContainerProcess = {
  pod: KObject;
  container: KObject;
  /** The shell's state: environment, filesystem, hostname (read through the API). */
  shellState(): Promise<ShellState>;
  /** Writes the container's log as it grows until signal aborts or the container stops. */
  followLog(write: (s: string) => void, signal: AbortSignal): Promise<void>;
  /** The container's main process exited with this code: the kubelet records it (and restarts the container per the pod's restartPolicy). */
  exited(code: number): Promise<void>;
};

export const SUCCESS: KObject = { metadata: {}, status: "Success" };

export function exitStatus(argv: string[], code: number): KObject {
  if (code === 0) return SUCCESS;
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${argv.join(" ")}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

export function internalError(message: string): KObject {
  return { metadata: {}, status: "Failure", message: `Internal error occurred: ${message}`, reason: "InternalError", details: { causes: [{ message }] }, code: 500 };
}

/** containerd's error for a program the image does not have (runc's "executable file not found"). */
function notFound(p: ContainerProcess, argv: string[]): KObject {
  const id = createHash("sha256").update(`${p.pod.metadata?.uid}/${p.container.name}/${argv.join(" ")}`).digest("hex");
  const why = argv[0].includes("/") ? `stat ${argv[0]}: no such file or directory` : `exec: "${argv[0]}": executable file not found in $PATH`;
  return internalError(
    `error executing command in container: failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`,
  );
}

function shellFor(s: Session, state: ShellState, signal: AbortSignal): Shell {
  const crlf = (x: string) => (s.opts.tty ? x.replace(/\r?\n/g, "\r\n") : x);
  return new Shell(state, { out: (x) => s.write(1, crlf(x)), err: (x) => s.write(s.opts.tty ? 1 : 2, crlf(x)) }, signal);
}

/** An interactive shell over the session's stdin: a prompt under a tty, commands line by line; its exit status. */
async function interactive(s: Session, shell: Shell): Promise<number> {
  const { tty } = s.opts;
  const prompt = () => {
    if (tty) s.write(1, `${shell.state.cwd === "/root" ? "~" : shell.state.cwd} # `);
  };
  let running: AbortController | undefined;
  const lines = readLines(s.stdin, tty, {
    echo: (x) => s.write(1, x),
    interrupt: () => {
      running?.abort();
      return !!running;
    },
    reprompt: prompt,
  });
  prompt();
  for (;;) {
    const line = await Promise.race([lines.next(), new Promise<undefined>((r) => s.signal.addEventListener("abort", () => r(undefined), { once: true }))]);
    if (line === undefined || s.signal.aborted) break;
    running = new AbortController();
    shell.signal = AbortSignal.any([running.signal, s.signal]);
    try {
      await shell.runLine(line);
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    } finally {
      running = undefined;
    }
    prompt();
  }
  return shell.state.status;
}

/** `kubectl exec`: runs argv in the container and ends with its status. */
export async function runExec(s: Session, p: ContainerProcess, argv: string[]): Promise<void> {
  if (!argv.length || !isBinary(argv[0])) return s.finish(argv.length ? notFound(p, argv) : internalError("error executing command in container: no command given"));
  const shell = shellFor(s, await p.shellState(), s.signal);
  let code: number;
  if (binaryName(argv[0]) === "sh" && (argv.length === 1 || (argv.length === 2 && argv[1] === "-i"))) {
    code = await interactive(s, shell);
  } else {
    const input = s.stdin;
    if (input) {
      // Events rather than async iteration: spdy-transport's streams are readable-stream 3's.
      shell.stdin = () =>
        new Promise((resolve) => {
          let text = "";
          input.on("data", (d: Buffer | string) => (text += d));
          input.on("end", () => resolve(text));
          input.on("error", () => resolve(text));
        });
    }
    try {
      code = await shell.runArgv(argv);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      code = e.code;
    }
  }
  s.finish(exitStatus(argv, code));
}

/**
 * `kubectl attach` (and `run -it`, `debug -it`): a container started with
 * stdin gets its shell, otherwise the client sees its output (its log lines)
 * until it detaches or the container stops.
 */
export async function runAttach(s: Session, p: ContainerProcess): Promise<void> {
  if (p.container.stdin) {
    const code = await interactive(s, shellFor(s, await p.shellState(), s.signal));
    // The attached shell is the container's main process: when it exits (exit,
    // or the end of its input) the container stops, as it does under a real
    // kubelet; a client that merely went away leaves it running. kubectl run
    // -it --restart=Never waits for exactly that to read the exit code.
    if (!s.signal.aborted) await p.exited(code);
  } else {
    await p.followLog((x) => s.write(1, s.opts.tty ? x.replace(/\n/g, "\r\n") : x), s.signal);
  }
  s.finish(SUCCESS);
}
