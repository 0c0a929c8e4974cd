// kpanda serve's render of the first page of a visit (built into
// web/dist-ssr by web/build.ts, run by src/platform/http/serverRender.ts).
// A first visit otherwise shows nothing until the browser has fetched,
// compiled and run about 1 MB of scripts; rendered here, the page's rows are
// in the HTML and show once the stylesheet is in. The same App renders as in
// the browser: its pages' first reads (their `prefetch`, as main.tsx starts
// them) and GET /me go to kpanda's own API in-process, with the session of
// the request, and their answers travel with the page (ssr/adopt.ts), so
// that the browser's first render shows the same rows and replaces this one.
import { AsyncLocalStorage } from "node:async_hooks";
import { dehydrate, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { renderToString } from "react-dom/server";
import { StaticRouter } from "react-router";
import { App, loadPages } from "../App.tsx";
import { get, setTransport } from "../api/client.ts";
import { meKey } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import { type Session, session } from "../api/session.ts";
import type { Me } from "../api/types.ts";
import { NotificationProvider } from "../components/Notifications.tsx";
import i18n from "../i18n/index.ts";
import type { ServerRender } from "./adopt.ts";

export type RenderRequest = {
  /** The page's path and query. */
  url: string;
  session: Session;
  lang: ServerRender["lang"];
  /** Answers an API request (a path under /apis/kpanda.io/v1alpha1) as the session's user. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** How long the page's first reads may take; the page renders what has come by then. */
  waitMs: number;
};

/** The page's HTML and what travels with it; undefined when the session is refused (GET /me fails). */
export type Rendered = { html: string; state: ServerRender; timing: { reads: number; render: number } };

// Renders of different requests overlap while their reads are out: each finds its own here.
const current = new AsyncLocalStorage<RenderRequest>();
setTransport((url, init) => {
  const req = current.getStore();
  if (!req) return Promise.reject(new Error("an API call outside a render"));
  return req.fetch(url, init);
});
session.serveFrom(() => current.getStore()?.session);

export function render(req: RenderRequest): Promise<Rendered | undefined> {
  return current.run(req, async () => {
    // Nothing is read again here: the browser follows the page live once it has taken over.
    const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY, gcTime: Number.POSITIVE_INFINITY } } });
    const { pathname, search } = new URL(req.url, "https://kpanda.invalid");
    const started = performance.now();
    try {
      await Promise.all([client.fetchQuery({ queryKey: meKey, queryFn: () => get<Me>(paths.me) }), loadPages({ pathname, search }, client, req.waitMs)]);
    } catch {
      return undefined;
    }
    const read = performance.now();
    // i18next is one instance, and the render below synchronous: with its translations bundled,
    // changeLanguage switches at once, so no other render can change it in between.
    void i18n.changeLanguage(req.lang);
    if (i18n.language !== req.lang) throw new Error(`i18next did not switch to ${req.lang} at once`);
    const html = renderToString(
      <StrictMode>
        <QueryClientProvider client={client}>
          <StaticRouter location={req.url}>
            <NotificationProvider>
              <App />
            </NotificationProvider>
          </StaticRouter>
        </QueryClientProvider>
      </StrictMode>,
    );
    const state: ServerRender = { session: req.session, lang: req.lang, queries: dehydrate(client) };
    client.clear();
    return { html, state, timing: { reads: read - started, render: performance.now() - read } };
  });
}
