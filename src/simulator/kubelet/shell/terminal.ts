// The input side of an interactive shell session. Under a tty the client
// sends raw keystrokes (kubectl puts the local terminal in raw mode), so this
// is the line discipline a pty would apply: echo, Enter (CR or LF) ends a
// line, Backspace/DEL erases, Ctrl-C discards the line or interrupts the
// running command, Ctrl-D on an empty line is end of input, and escape
// sequences (arrow keys) are ignored. Output gets CR LF line ends (ONLCR).
// Without a tty, input is split into lines on LF and nothing is echoed.
import type { Readable } from "node:stream";

export class LineQueue {
  private readonly lines: string[] = [];
  private ended = false;
  private waiter?: (line: string | undefined) => void;

  push(line: string): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(line);
    } else this.lines.push(line);
  }

  end(): void {
    this.ended = true;
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  /** The next line, or undefined at end of input. */
  next(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

export type TerminalHooks = {
  /** Writes to the client (echo). */
  echo(s: string): void;
  /** Ctrl-C: returns true when it interrupted a running command. */
  interrupt(): boolean;
  /** Ctrl-C at the prompt: show a fresh one. */
  reprompt(): void;
};

/** Feeds a session's stdin into a LineQueue, applying the tty line discipline when tty is set. */
export function readLines(stdin: Readable | undefined, tty: boolean, hooks: TerminalHooks): LineQueue {
  const q = new LineQueue();
  if (!stdin) {
    q.end();
    return q;
  }
  let buf = "";
  let esc = 0;
  const key = (ch: string) => {
    if (esc) {
      // ESC [ ... final byte: skip the whole sequence.
      esc = esc === 1 && ch === "[" ? 2 : ch >= "@" && ch <= "~" ? 0 : esc === 1 ? 0 : esc;
      return;
    }
    if (ch === "\x1b") esc = 1;
    else if (ch === "\r" || ch === "\n") {
      hooks.echo("\r\n");
      q.push(buf);
      buf = "";
    } else if (ch === "\x7f" || ch === "\b") {
      if (buf) {
        buf = buf.slice(0, -1);
        hooks.echo("\b \b");
      }
    } else if (ch === "\x03") {
      hooks.echo("^C\r\n");
      buf = "";
      if (!hooks.interrupt()) hooks.reprompt();
    } else if (ch === "\x04") {
      if (!buf) q.end();
    } else if (ch >= " " || ch === "\t") {
      buf += ch;
      hooks.echo(ch);
    }
  };
  stdin.setEncoding("utf8");
  stdin.on("data", (chunk: string) => {
    if (!tty) {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      for (const l of parts) q.push(l);
      return;
    }
    for (const ch of chunk) key(ch);
  });
  stdin.on("end", () => {
    if (!tty && buf) q.push(buf);
    q.end();
  });
  stdin.on("error", () => q.end());
  return q;
}
