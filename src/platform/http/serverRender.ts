// The first page of a visit, rendered here (web/src/ssr/render.tsx, built
// into web/dist-ssr): its rows are in the HTML, where a first visit would
// otherwise wait for the browser to fetch, compile and run about 1 MB of
// scripts (over 1 s on two busy cores, bench/console.ts). The console then
// takes over and replaces the page (web/src/ssr/adopt.ts).
//
// The render needs the user: login sets an HttpOnly, Secure, SameSite=Strict
// cookie with the session token, and only this GET of the console's pages
// reads it. The API never accepts it, so no other site can make a browser
// act with it (no CSRF); the page's reads go to the API in-process, with the
// token as a bearer token, through the same authentication and authorization
// as the browser's own calls. Without a valid cookie the page is index.html
// as it is; when the browser has the console's scripts already (a cookie
// the console sets), or the render fails or is slow, the page is index.html
// with the session alone, and the console renders it.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseCookie, stringifySetCookie } from "cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { PlatformContext } from "./context.ts";
import { CriticalStyles } from "./criticalStyles.ts";

export const SESSION_COOKIE = "kpanda_session";
/** Set by the console (web/src/i18n/index.ts); not secret. */
export const LANGUAGE_COOKIE = "kpanda_lang";
/** Set by the console once its scripts have run (web/src/ssr/adopt.ts): the build's entry, e.g. index-AbC123. */
export const SCRIPTS_COOKIE = "kpanda_scripts";
/** How long a page's first reads may take before it renders without them. */
const READS_WAIT_MS = 500;
/** A render that takes longer than this is dropped for the plain page. */
const RENDER_TIMEOUT_MS = 2_000;
/**
 * A page of more rows is left to the browser: React renders to a string synchronously, and
 * 500 rows would hold kpanda's event loop (every other request) for a few hundred ms.
 */
const MAX_RENDERED_ROWS = 100;

type Session = { token: string; expiresAt: string; user: string };
type Lang = "en" | "zh";
type RenderRequest = { url: string; session: Session; lang: Lang; fetch: (url: string, init: RequestInit) => Promise<Response>; waitMs: number };
type Renderer = { render(req: RenderRequest): Promise<{ html: string; state: unknown; timing?: { reads: number; render: number } } | undefined> };

/** The session cookie login sets: for this browser's session (no expiry of its own), the token's expiry bounds it. */
export function sessionCookie(token: string): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: token, httpOnly: true, secure: true, sameSite: "strict", path: "/" });
}

export function clearedSessionCookie(): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: "", httpOnly: true, secure: true, sameSite: "strict", path: "/", maxAge: 0 });
}

function cookies(req: FastifyRequest): Record<string, string | undefined> {
  return req.headers.cookie ? parseCookie(req.headers.cookie) : {};
}

/** The language the console would choose: the user's choice (its cookie), else the browser's first language. */
function language(req: FastifyRequest, chosen: string | undefined): Lang {
  if (chosen === "en" || chosen === "zh") return chosen;
  return /^\s*zh\b/i.test(req.headers["accept-language"] ?? "") ? "zh" : "en";
}

/** A Fetch Response from a request answered in-process (light-my-request): the render's reads. */
async function injected(app: FastifyInstance, token: string, url: string, init: RequestInit): Promise<Response> {
  const method = init.method ?? "GET";
  // The render only reads; anything else would act for the user without a request from them.
  if (method !== "GET") throw new Error(`a first-page render may only read, not ${method} ${url}`);
  const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` };
  const res = await app.inject({ method: "GET", url, headers });
  const out = new Headers();
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : String(v));
  const empty = res.statusCode === 204 || res.statusCode === 304;
  return new Response(empty ? null : res.rawPayload, { status: res.statusCode, headers: out });
}

/** index.html's link to the console's stylesheet, only preloaded (web/vite.config.ts): its address. */
const SHEET_PRELOAD = /<link rel="preload" as="style" crossorigin href="(\/assets\/[\w.-]+\.css)">\s*/;

/**
 * index.html with the page's data beside it and, when `html` is given, the rendered page inert in
 * #root, styled at once: by `styles` (the rules it needs) in the page, else by the whole stylesheet
 * made render-blocking. Without `html` the data is the session alone.
 * Undefined when index.html lacks a tag this edits (a build that changed): the page goes plain.
 */
export function withRenderedPage(index: string, html: string | undefined, state: unknown, lang: Lang, styles?: string): string | undefined {
  // In a <script> data block only "</script" (and "<!--") could end it early: "<" is escaped.
  const json = JSON.stringify(state).replace(/</g, "\\u003c");
  const edits: [RegExp, string][] = [
    [/<html lang="en">/, `<html lang="${lang === "zh" ? "zh-CN" : "en"}">`],
    [/<\/body>/, `<script id="kpanda-ssr" type="application/json">${json}</script></body>`],
  ];
  const sheet = SHEET_PRELOAD.exec(index)?.[1];
  if (html !== undefined && styles !== undefined && sheet && !/<\/style/i.test(styles))
    edits.push(
      // The styles the page needs (criticalStyles.ts), so it shows styled at once. The whole sheet is
      // not preloaded: when it came, its 1.3 MB were decoded on the main thread while the page was
      // being parsed and painted (bench/console.ts: first paint p50 60-110 ms later). boot.ts asks for
      // it, named here, after the page's first frame, and applies it before the console takes over
      // (web/src/styles.ts).
      [SHEET_PRELOAD, ""],
      [/<\/head>/, `<style id="kpanda-ssr-styles" data-sheet="${sheet}">${styles}</style></head>`],
    );
  else if (html !== undefined)
    // Render-blocking, so the page shows styled; boot.ts finds it applied (web/src/styles.ts).
    edits.push([/<link rel="preload" as="style" crossorigin href=/, '<link rel="stylesheet" crossorigin href=']);
  if (html !== undefined)
    edits.push(
      // display: contents, so the wrapper leaves the page's layout as the console's own render makes it.
      [/<div id="root"><\/div>/, `<div id="root"><div inert style="display: contents">${html}</div></div>`],
    );
  for (const [from, to] of edits) {
    if (!from.test(index)) return undefined;
    index = index.replace(from, () => to);
  }
  return index;
}

export class ServerRender {
  #renderer: Promise<Renderer | undefined> | undefined;
  #styles: Promise<CriticalStyles | undefined> | undefined;
  private app: FastifyInstance;
  private ctx: PlatformContext;
  private dir: string;

  /** `dir`: the renderer (web/dist-ssr). */
  constructor(app: FastifyInstance, ctx: PlatformContext, dir: string) {
    this.app = app;
    this.ctx = ctx;
    this.dir = dir;
  }

  /** Loads the renderer (once; a console built without it renders nothing here). */
  warm(): Promise<Renderer | undefined> {
    this.#renderer ??= import(pathToFileURL(join(this.dir, "render.js")).href).then(
      (m) => m as Renderer,
      (e) => {
        this.app.log.warn({ err: e, dir: this.dir }, "first pages are not rendered by the server: its renderer did not load");
        return undefined;
      },
    );
    this.#styles ??= CriticalStyles.load(this.dir);
    return this.#renderer;
  }

  /** The styles `html` needs, when the stylesheet they come from is the one `index` links. */
  private async styles(index: string, html: string): Promise<string | undefined> {
    const styles = await this.#styles;
    return styles && index.includes(`href="${styles.href}"`) ? styles.forPage(html) : undefined;
  }

  /**
   * `index` for this request's session cookie: the page rendered, or with only the session (for a
   * new tab to adopt) when the browser already has the console's scripts, the page has over
   * MAX_RENDERED_ROWS rows, or the render failed or took too long. Undefined without a valid
   * session cookie (a stale one is cleared).
   */
  async page(req: FastifyRequest, reply: FastifyReply, index: string): Promise<string | undefined> {
    const jar = cookies(req);
    const token = jar[SESSION_COOKIE];
    if (!token) return undefined;
    const claims = this.ctx.signer.verify(token);
    if (claims?.use !== "session" || !this.ctx.users.active(claims.sub)) {
      reply.header("set-cookie", clearedSessionCookie());
      return undefined;
    }
    const lang = language(req, jar[LANGUAGE_COOKIE]);
    const session = { token, expiresAt: new Date(claims.exp * 1000).toISOString(), user: claims.sub };
    const bare = () => withRenderedPage(index, undefined, { session, lang, queries: { mutations: [], queries: [] } }, lang);
    // With its scripts in the browser's cache (and compiled code), the console renders the page
    // itself sooner than it would take over a rendered one (bench/console.ts, warm loads).
    const scripts = jar[SCRIPTS_COOKIE];
    if (scripts && /^[\w-]+$/.test(scripts) && index.includes(`/assets/${scripts}.js"`)) return bare();
    const pageSize = Number(new URL(req.url, "https://kpanda.invalid").searchParams.get("pageSize"));
    if (pageSize > MAX_RENDERED_ROWS) return bare();
    const renderer = await this.warm();
    if (!renderer) return bare();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const rendered = await Promise.race([
        renderer.render({ url: req.url, session, lang, waitMs: READS_WAIT_MS, fetch: (url, init) => injected(this.app, token, url, init) }),
        new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), RENDER_TIMEOUT_MS))),
      ]);
      if (!rendered) return bare();
      const styling = performance.now();
      const page = withRenderedPage(index, rendered.html, rendered.state, lang, await this.styles(index, rendered.html));
      // Where the page's time went, for the browser's developer tools and bench/console.ts (Server-Timing).
      const { reads = 0, render = 0 } = rendered.timing ?? {};
      const dur = (name: string, ms: number) => `${name};dur=${ms.toFixed(1)}`;
      reply.header("server-timing", [dur("reads", reads), dur("render", render), dur("styles", performance.now() - styling), dur("total", reply.elapsedTime)].join(", "));
      if (!page) req.log.warn("index.html lacks the tags a served page fills in: the console renders the page");
      else req.log.debug({ url: req.url, ms: Math.round(performance.now() - started) }, "first page rendered");
      return page;
    } catch (e) {
      req.log.warn({ err: e, url: req.url }, "the first page's render failed; the console renders it");
      return bare();
    } finally {
      clearTimeout(timer);
    }
  }
}
