// The console, loaded by boot.ts: styles, translations, the query client
// (retries only what may succeed on retry), the router, and toasts. The first
// render waits for the pages of the address opened and, briefly, their first
// reads (App's loadPages) and for the stylesheet; boot.ts started all three,
// and GET /me. A page kpanda serve rendered brings the answers of its reads
// (ssr/adopt.ts): the first render shows them, and replaces that page.
import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/react-styles/css/utilities/Spacing/spacing.css";
import "@patternfly/react-styles/css/utilities/Text/text.css";
import "./i18n/index.ts";
import { hydrate, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useLayoutEffect } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ApiError } from "./api/ApiError.ts";
import { get } from "./api/client.ts";
import { takeEarly } from "./api/early.ts";
import { meKey } from "./api/me.ts";
import { paths } from "./api/paths.ts";
import { session } from "./api/session.ts";
import type { Me } from "./api/types.ts";
import { App, loadPages } from "./App.tsx";
import { rememberScripts, serverRender } from "./ssr/adopt.ts";
import { applyStyles, swapServedStyles } from "./styles.ts";
import { NotificationProvider } from "./components/Notifications.tsx";

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused or missing request stays refused; network failures and 5xx may pass on retry.
      retry: (count, e) => count < 2 && !(e instanceof ApiError && e.code >= 400 && e.code < 500),
      refetchOnWindowFocus: false,
      staleTime: 2_000,
    },
  },
});

const rendered = serverRender();
if (rendered) hydrate(client, rendered.queries);

/**
 * Nothing to show: in the first commit, before that commit's restyle, swaps the served page's styles
 * for the whole sheet (styles.ts).
 * First in the tree, so that its layout effect runs before the console's own: PatternFly's Label
 * measures itself in one (offsetWidth), which lays the page out, and removing the styles after that
 * (their @font-face rules go with them) laid it all out again (a trace of a take-over: 156 ms, then
 * 270 ms, for the same 1,565 boxes).
 */
function ServedStylesSwapped(): null {
  useLayoutEffect(swapServedStyles, []);
  return null;
}

// The first commit replaces what #root holds: the page kpanda serve rendered, if any.
const root = createRoot(document.getElementById("root")!);
const render = () =>
  root.render(
    <StrictMode>
      <ServedStylesSwapped />
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <NotificationProvider>
            <App />
          </NotificationProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );

if (session.get())
  void client.prefetchQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => takeEarly<Me>(paths.me) ?? get<Me>(paths.me, undefined, signal),
  });
// A page that failed to load is left to its route, which shows the failure.
void Promise.all([loadPages(location, client).catch(() => {}), applyStyles()]).then(render);
// Here, the console's start-up scripts have all loaded and run.
rememberScripts();
