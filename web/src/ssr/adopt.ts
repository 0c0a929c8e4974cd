// The first page of a visit, as kpanda serve rendered it (ssr/render.tsx):
// the page's HTML in #root, shown inert until React takes over, and beside
// it a JSON block with the session it was rendered for, its language and the
// answers of its reads. The block is read once and removed. A tab that has
// no session of its own adopts the rendered one (a new tab, after login in
// another); a tab signed in as someone else ignores the render.
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
