// Builds the console (web/ → web/dist, and kpanda serve's renderer of first
// pages → web/dist-ssr) when it is missing or older than its sources:
// `node web/build.ts` (npm start and npm test run it first), or
// `node web/build.ts --force`. Tests call ensureConsoleBuilt(). Concurrent
// callers (test files run in parallel) build once: a lock directory makes
// the others wait, then find the build fresh.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { writeStylesIndex } from "./stylesIndex.ts";

export const WEB_DIR = fileURLToPath(new URL(".", import.meta.url));
export const DIST_DIR = join(WEB_DIR, "dist");
/** kpanda serve's renderer of first pages (src/ssr/render.tsx), for Node: not served. */
export const SSR_DIR = join(WEB_DIR, "dist-ssr");
const STAMP = join(DIST_DIR, "index.html");
const LOCK = join(WEB_DIR, ".build-lock");
const LOCK_STALE_MS = 5 * 60_000;

/** The newest modification time among the console's sources (and the lock file, for new dependencies). */
function newestSource(): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ["src", "public", "index.html", "vite.config.ts", "stylesIndex.ts", "tsconfig.json"]) visit(join(WEB_DIR, p));
  visit(join(WEB_DIR, "..", "package-lock.json"));
  return newest;
}

export function consoleIsFresh(): boolean {
  const built = statSync(STAMP, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const renderer = statSync(join(SSR_DIR, "render.js"), { throwIfNoEntry: false });
  return built > 0 && renderer !== undefined && built >= newestSource();
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * Brotli and gzip copies of the larger scripts and styles beside them, which
 * kpanda serve sends to browsers that accept them (@fastify/static's
 * preCompressed): PatternFly's styles shrink from about 1 MB to under 100 KB.
 */
function precompress(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg)$/.test(name)) continue;
    const file = join(dir, name);
    const data = readFileSync(file);
    if (data.length < 1024) continue;
    writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
    writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  }
}

/** Builds web/dist unless it is fresh (or always, with force); answers whether it built. */
export async function ensureConsoleBuilt(opts: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  for (;;) {
    if (!opts.force && consoleIsFresh()) return false;
    if (takeLock()) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    if (!opts.force && consoleIsFresh()) return false;
    const { build } = await import("vite");
    if (!opts.quiet) process.stdout.write("building the console (web/ → web/dist)\n");
    const logLevel = opts.quiet ? "warn" : "info";
    // The renderer first: index.html, written last, is the stamp of the whole build.
    await build({ configFile: join(WEB_DIR, "vite.config.ts"), logLevel, build: { ssr: "src/ssr/render.tsx" } });
    await build({ configFile: join(WEB_DIR, "vite.config.ts"), logLevel });
    writeStylesIndex(DIST_DIR, SSR_DIR);
    precompress(join(DIST_DIR, "assets"));
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// Run as a script (directly, or imported in place by bin/node24.mjs, which sets argv[1]).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes("--force");
  try {
    const built = await ensureConsoleBuilt({ force });
    if (!built) process.stdout.write("the console in web/dist is up to date\n");
  } catch (e) {
    process.stderr.write(`building the console failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
