// The member side of a terminal: an interactive exec in a container over the
// Kubernetes WebSocket channel protocol (v5.channel.k8s.io, else
// v4.channel.k8s.io for members before 1.30), opened as the kpanda user so
// the member's RBAC decides. Every message is a channel byte then data: 0
// stdin, 1 stdout, 2 stderr, 3 the final Status (JSON), 4 a resize
// ({"Width","Height"}); v5 adds 255 to half-close a channel.
//
// Which shell: like the Kubernetes dashboard's and Rancher's consoles, bash
// first and sh when the image has no bash. A shell that cannot start ends
// at once with a Failure Status (containerd: "executable file not found";
// docker: exit code 126 or 127) before writing anything; then the next one
// is tried. Input typed before the shell wrote anything is held and replayed
// to the shell that starts.
import WebSocket from "ws";
import { type Caller, callerWebSocket } from "../apps/callAs.ts";
import type { Member } from "../clusters/members.ts";

export const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
export const SHELLS: readonly string[][] = [["bash"], ["sh"]];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;

export type ExecTarget = { namespace: string; pod: string; container: string };

/** The end's reason when the member's connection broke without a Status. */
export const LOST = "ConnectionLost";

/** A member's refusal of the exec's handshake (403 from its RBAC, 404 for a missing pod…), with its Status. */
export class ExecRefused extends Error {
  readonly code: number;
  readonly status: { reason?: string; message?: string } | undefined;
  constructor(code: number, body: string) {
    let status: { reason?: string; message?: string } | undefined;
    try {
      status = JSON.parse(body);
    } catch {}
    super(status?.message ?? `the member answered ${code}`);
    this.code = code;
    this.status = status;
  }
}

export type Terminal = {
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  close(): void;
};

export type TerminalEvents = {
  output(data: Buffer): void;
  /** The session ended: the shell's last Status (or why the connection failed). */
  end(status: { status?: string; message?: string; reason?: string }): void;
};

export function execPath(t: ExecTarget, argv: readonly string[]): string {
  const q = new URLSearchParams({ container: t.container, stdin: "true", stdout: "true", stderr: "true", tty: "true" });
  for (const a of argv) q.append("command", a);
  return `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/exec?${q}`;
}

/** Opens one exec; resolves once the member accepted the upgrade, rejects with ExecRefused or a connection error. */
function openExec(m: Member, caller: Caller, t: ExecTarget, argv: readonly string[]): Promise<WebSocket> {
  const { url, options } = callerWebSocket(m, caller, execPath(t, argv));
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, EXEC_PROTOCOLS, options);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => reject(new ExecRefused(res.statusCode ?? 500, Buffer.concat(chunks).toString("utf8"))));
      res.on("error", reject);
    });
    ws.once("error", reject);
  });
}

/** Did the shell fail to start (so the next one should be tried)? */
function couldNotStart(status: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } }): boolean {
  if (status.status !== "Failure") return false;
  if (status.reason === "InternalError" && /executable file not found|no such file or directory|not found/.test(status.message ?? "")) return true;
  const exit = status.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
  return exit === "126" || exit === "127";
}

/**
 * Opens a terminal in the container: the first shell of SHELLS that starts.
 * Rejects with ExecRefused when the member refuses the first handshake (so
 * the caller can answer its client with the same status).
 */
export async function openTerminal(m: Member, caller: Caller, t: ExecTarget, on: TerminalEvents): Promise<Terminal> {
  let ws = await openExec(m, caller, t, SHELLS[0]);
  let shell = 0;
  let started = false;
  let closed = false;
  let held: Buffer[] = [];
  let size: { cols: number; rows: number } | undefined;
  const frame = (ch: number, data: Buffer) => Buffer.concat([Buffer.from([ch]), data]);
  const send = (ch: number, data: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(frame(ch, data));
  };
  const sendSize = () => size && send(RESIZE, Buffer.from(JSON.stringify({ Width: size.cols, Height: size.rows })));
  const start = () => {
    if (started) return;
    started = true;
    for (const d of held) send(STDIN, d);
    held = [];
  };
  const attach = (sock: WebSocket) => {
    sendSize();
    // A shell that prints no prompt still gets what was typed, a moment later.
    const grace = setTimeout(start, 1500);
    let status: any;
    sock.on("message", (raw: Buffer) => {
      const ch = raw[0];
      const data = raw.subarray(1);
      if ((ch === STDOUT || ch === STDERR) && data.length) {
        start();
        on.output(data);
      } else if (ch === STATUS && data.length) {
        try {
          status = JSON.parse(data.toString("utf8"));
        } catch {
          status = { status: "Failure", message: data.toString("utf8") };
        }
      }
    });
    sock.once("close", (code: number) => {
      clearTimeout(grace);
      if (closed) return;
      if (!started && status && couldNotStart(status) && shell + 1 < SHELLS.length) {
        shell++;
        openExec(m, caller, t, SHELLS[shell]).then(
          (next) => {
            if (closed) return next.close();
            ws = next;
            attach(next);
          },
          (err) => finish({ status: "Failure", message: String((err as Error).message) }),
        );
        return;
      }
      // No Status: the member ended the stream cleanly (a shell that exited), or the connection broke.
      finish(status ?? (code === 1000 ? { status: "Success" } : { status: "Failure", reason: LOST, message: `the connection to the member closed (${code})` }));
    });
    sock.on("error", () => {});
  };
  const finish = (status: any) => {
    if (closed) return;
    closed = true;
    on.end(status);
  };
  attach(ws);
  return {
    write(data) {
      const buf = typeof data === "string" ? Buffer.from(data) : data;
      if (started) send(STDIN, buf);
      else held.push(buf);
    },
    resize(cols, rows) {
      size = { cols, rows };
      sendSize();
    },
    close() {
      closed = true;
      ws.close();
    },
  };
}
