// The first page of a visit, as kpanda serve rendered it (ssr/render.tsx):
// the page's HTML in #root, shown inert until React takes over, and beside
// it a JSON block with the session it was rendered for, its language and the
// answers of its reads. A browser that has the console's scripts already
// (rememberScripts) gets the block alone, with the session. The block is
// read once and removed. A tab that has no session of its own adopts the
// served one (a new tab, after login in another); a tab signed in as
// someone else ignores it.
import type { DehydratedState } from "@tanstack/react-query";
import { type Session, session } from "../api/session.ts";

export type ServerRender = { session: Session; lang: "en" | "zh"; queries: DehydratedState };

export const SERVER_RENDER_ID = "kpanda-ssr";

let taken: ServerRender | undefined;
let read = false;

/** The rendered page's data, when the page was rendered for this tab's session (adopting it when the tab has none). */
export function serverRender(): ServerRender | undefined {
  if (read) return taken;
  read = true;
  const el = document.getElementById(SERVER_RENDER_ID);
  if (!el) return undefined;
  el.remove();
  let r: ServerRender;
  try {
    r = JSON.parse(el.textContent ?? "");
  } catch {
    return undefined;
  }
  const own = session.get();
  if (!own) session.set(r.session);
  else if (own.token !== r.session.token) return undefined;
  taken = r;
  return taken;
}

/** The page kpanda serve rendered, inert in #root until the console's first render replaces it. */
export function servedPage(): Element | null {
  return document.querySelector("#root > [inert]");
}

/**
 * Tells kpanda serve, in a cookie, which build's scripts this browser has run (and so has in its
 * cache): it then sends the session alone, since the console renders sooner than it would take
 * over a served page (src/platform/http/serverRender.ts). Not secret: the entry's file name.
 */
export function rememberScripts(): void {
  const entry = document.querySelector<HTMLScriptElement>('script[type="module"][src^="/assets/"]')?.getAttribute("src");
  const name = entry?.match(/^\/assets\/([\w-]+)\.js$/)?.[1];
  // biome-ignore lint/suspicious/noDocumentCookie: a file name, nothing to escape; the Cookie Store API is not in every browser yet
  if (name) document.cookie = `kpanda_scripts=${name}; Path=/; Max-Age=2592000; SameSite=Strict; Secure`;
}
