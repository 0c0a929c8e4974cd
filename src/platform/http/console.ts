// The web console (web/, built into web/dist) at `/`: the build's files, and
// index.html for every other GET outside the API, so the console's own routes
// (/clusters/prod, /access/users, ...) load it too. Public: the files hold no
// data; the console then signs in against the REST API. Hashed assets are
// cached for a year, index.html never, so a new build is picked up at once.
// With the console's session cookie, a page comes rendered, with the user's
// data (serverRender.ts): it is never stored by the browser.
import { readFileSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { negotiate } from "@fastify/accept-negotiator";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PlatformContext } from "./context.ts";
import { ServerRender } from "./serverRender.ts";

export const CONSOLE_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));
/** The renderer of first pages (web/build.ts builds it beside web/dist). */
export const SSR_DIR = fileURLToPath(new URL("../../../web/dist-ssr/", import.meta.url));

/** Paths that belong to the API, the proxy or operations: never the console, so an unknown one stays a JSON 404. */
const NOT_CONSOLE = /^\/(apis|api|k8s|openapi\.json|docs|healthz|readyz|livez|metrics)(\/|$)/;

/** index.html may load only the build's own scripts and talk only to this origin. PatternFly and its charts set inline styles. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** index.html's text, read again when the file changes (a new build). */
function indexReader(file: string): () => string {
  let cached: { mtimeMs: number; text: string } | undefined;
  return () => {
    const { mtimeMs } = statSync(file);
    if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, text: readFileSync(file, "utf8") };
    return cached.text;
  };
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * A served page, compressed for a browser that accepts it: with its rows, data and styles it is
 * 150-400 KB, about 40 KB compressed. Brotli at quality 5 takes about 10 ms for 300 KB, on libuv's
 * threads rather than the event loop; its top qualities are for files compressed once.
 */
async function sendPage(req: FastifyRequest, reply: FastifyReply, html: string): Promise<FastifyReply> {
  reply.header("vary", "accept-encoding").type("text/html; charset=utf-8");
  const encoding = negotiate(req.headers["accept-encoding"] ?? "", ["br", "gzip"]);
  if (encoding === "br") return reply.header("content-encoding", "br").send(await brotli(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }));
  if (encoding === "gzip") return reply.header("content-encoding", "gzip").send(await gzipped(html));
  return reply.send(html);
}

/** `ctx` (and a renderer in `ssrDir`): pages come rendered for a signed-in browser. */
export async function registerConsole(app: FastifyInstance, dir: string = CONSOLE_DIR, ctx?: PlatformContext, ssrDir: string = SSR_DIR): Promise<void> {
  const root = resolve(dir);
  const index = indexReader(join(root, "index.html"));
  const ssr = ctx && new ServerRender(app, ctx, ssrDir);
  // Only reply.sendFile: the route below decides what is a file and what is a console route.
  // The build's scripts and styles also come as .br and .gz (web/build.ts): sent to browsers that accept them.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(req.url.split("?")[0]);
    } catch {
      return reply.callNotFound();
    }
    if (NOT_CONSOLE.test(path)) return reply.callNotFound();
    const rel = path.replace(/^\/+/, "");
    const file = resolve(root, rel);
    if (rel && (file === root || file.startsWith(root + sep)) && isFile(file)) {
      const hashed = rel.startsWith("assets/");
      return reply.header("x-content-type-options", "nosniff").sendFile(rel, { maxAge: hashed ? "365d" : 0, immutable: hashed });
    }
    // A missing asset is a 404, not the page: a browser would try to run HTML as a script.
    if (rel.startsWith("assets/") || /\.(js|css|map|svg|png|ico|json|woff2?)$/i.test(rel)) return reply.callNotFound();
    if (!isFile(join(root, "index.html"))) {
      return reply.code(503).type("text/plain; charset=utf-8").send("The console is not built: run `npm run build:web`.\n");
    }
    // The renderer loads (about 0.3 s) with the first page asked for, usually the login page.
    void ssr?.warm();
    reply.header("content-security-policy", CSP).header("x-content-type-options", "nosniff").header("referrer-policy", "same-origin");
    // The login page is the same for everyone.
    const rendered = ssr && path !== "/login" ? await ssr.page(req, reply, index()) : undefined;
    if (rendered) return sendPage(req, reply.header("cache-control", "no-store"), rendered);
    return reply.header("cache-control", "no-cache").sendFile("index.html", { cacheControl: false });
  };
  app.get("/", { config: { public: true }, schema: { hide: true } }, serve);
  app.get("/*", { config: { public: true }, schema: { hide: true } }, serve);
}
