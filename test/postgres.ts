// A throwaway PostgreSQL server for tests: Debian's `postgresql` package
// (binaries in /usr/lib/postgresql/<major>/bin), initialized in a temporary
// data directory and listening on a free loopback port. As root the server
// runs as the `postgres` user (initdb and postgres refuse root), through
// `runuser`. Authentication is `trust`, on loopback only, and durability is
// off (fsync) since the data is thrown away.
//
//   const pg = await startPostgres();          // undefined: see skipReason
//   if (!pg) { it("…", { skip: postgresSkipReason() }) … }
//   const url = await pg.createDatabase();     // a fresh database per suite
//   …; await pg.stop();
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export type TestPostgres = {
  /** postgres://…/postgres, the maintenance database. */
  url: string;
  port: number;
  /** Creates an empty database and answers its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
};

let skipReason = "";

/** Why startPostgres answered undefined (empty when it did not). */
export function postgresSkipReason(): string {
  return skipReason;
}

/** The newest installed PostgreSQL's bin directory, or undefined. */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => existsSync(join(root, d, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(root, majors[0], "bin") : undefined;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL server, or answers undefined and prints a loud line to
 * stderr when none can start here (not installed, or it failed); tests then
 * skip with postgresSkipReason().
 */
export async function startPostgres(): Promise<TestPostgres | undefined> {
  const bin = postgresBinDir();
  if (!bin) return skip("PostgreSQL is not installed (apt-get install -y postgresql)");
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "kpanda-pg-"));
  const data = join(dir, "data");
  const cmd = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    }
    const user = "kpanda";
    await cmd("initdb", ["-D", data, "-A", "trust", "-U", user, "-E", "UTF8", "--locale=C", "--no-sync"]);
    const port = await freePort();
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    await cmd("pg_ctl", ["start", "-w", "-t", "60", "-D", data, "-l", join(dir, "log"), "-o", opts]);
    const base = `postgres://${user}@127.0.0.1:${port}`;
    let n = 0;
    return {
      url: `${base}/postgres`,
      port,
      async createDatabase(name = `t${process.pid}_${++n}`) {
        const c = new pg.Client({ connectionString: `${base}/postgres` });
        await c.connect();
        try {
          await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        } finally {
          await c.end();
        }
        return `${base}/${name}`;
      },
      async stop() {
        await cmd("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]).catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    const log = existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8").slice(-500) : "";
    rmSync(dir, { recursive: true, force: true });
    return skip(`PostgreSQL did not start: ${(e as Error).message.split("\n")[0]} ${log}`);
  }
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error(`no postgres user (running as ${userInfo().username})`);
  const f = line.split(":");
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function skip(reason: string): undefined {
  skipReason = reason;
  process.stderr.write(`\n*** SKIPPING PostgreSQL TESTS: ${reason} ***\n\n`);
  return undefined;
}
