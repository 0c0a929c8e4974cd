// search_counts, the live objects per (kind, cluster, namespace) that totals
// and scopes read: a write gathers its changes to them and adds them up once.
import type { SqlConn } from "./db.ts";
import { marks } from "./sql.ts";

/** Live-object count changes of one write, per (kind, cluster, namespace). */
export class Deltas {
  private readonly d = new Map<string, { key: unknown[]; n: number }>();

  add(r: { grp: string; resource: string; cluster: string; namespace: string }, n: number): void {
    const k = `${r.grp}\u0000${r.resource}\u0000${r.cluster}\u0000${r.namespace}`;
    const e = this.d.get(k);
    if (e) e.n += n;
    else this.d.set(k, { key: [r.grp, r.resource, r.cluster, r.namespace], n });
  }

  async flush(c: SqlConn): Promise<void> {
    const rows = [...this.d.values()].filter((e) => e.n !== 0);
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await c.run(
        `INSERT INTO search_counts AS c (grp, resource, cluster, namespace, n) VALUES ${new Array(chunk.length).fill(marks(5)).join(", ")}
         ON CONFLICT (grp, resource, cluster, namespace) DO UPDATE SET n = c.n + excluded.n`,
        chunk.flatMap((e) => [...e.key, e.n]),
      );
    }
  }
}
