// The audit log: append-only JSON lines in DIR/audit/audit.log, rotated by
// size to audit.log.1 … audit.log.N (the oldest dropped). Writes are
// synchronous appends of one line each, so an entry is on disk (in the page
// cache) before the response that caused it has finished; order is the
// order of calls. Each replica writes its own file in its own DIR.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { AuditEntry, AuditSink } from "../http/context.ts";

export type AuditQuery = { user?: string; cluster?: string; namespace?: string; name?: string; verb?: string; since?: number; until?: number };

export class AuditLog implements AuditSink {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private size: number;

  constructor(dir: string, opts: { maxBytes?: number; keep?: number } = {}) {
    this.dir = dir;
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.keep = opts.keep ?? 5;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.size = existsSync(this.file(0)) ? statSync(this.file(0)).size : 0;
  }

  record(entry: AuditEntry): void {
    const line = `${JSON.stringify(entry)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.maxBytes && this.size > 0) this.rotate();
    appendFileSync(this.file(0), line, { mode: 0o600 });
    this.size += bytes;
  }

  /** Entries matching q, newest first. */
  query(q: AuditQuery): AuditEntry[] {
    const out: AuditEntry[] = [];
    // Lines that cannot match are skipped before they are parsed (a workload's timeline asks for one name).
    const needle = q.name !== undefined ? `"name":${JSON.stringify(q.name)}` : undefined;
    for (let i = 0; i <= this.keep; i++) {
      if (!existsSync(this.file(i))) continue;
      // A file last written before `since` holds nothing as new: neither do the older ones.
      if (q.since !== undefined && statSync(this.file(i)).mtimeMs < q.since) break;
      const lines = readFileSync(this.file(i), "utf8").split("\n");
      for (let j = lines.length - 1; j >= 0; j--) {
        if (!lines[j] || (needle && !lines[j].includes(needle))) continue;
        const e = JSON.parse(lines[j]) as AuditEntry;
        if (matches(e, q)) out.push(e);
      }
    }
    return out;
  }

  private file(i: number): string {
    return join(this.dir, i === 0 ? "audit.log" : `audit.log.${i}`);
  }

  private rotate(): void {
    rmSync(this.file(this.keep), { force: true });
    for (let i = this.keep - 1; i >= 0; i--) if (existsSync(this.file(i))) renameSync(this.file(i), this.file(i + 1));
    this.size = 0;
  }
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.user !== undefined && e.user !== q.user) return false;
  if (q.cluster !== undefined && e.cluster !== q.cluster) return false;
  if (q.namespace !== undefined && e.namespace !== q.namespace) return false;
  if (q.name !== undefined && e.name !== q.name) return false;
  if (q.verb !== undefined && e.verb !== q.verb) return false;
  const t = Date.parse(e.time);
  if (q.since !== undefined && t < q.since) return false;
  if (q.until !== undefined && t > q.until) return false;
  return true;
}
