// The console's entry: styles, translations, the query client (retries only
// what may succeed on retry), the router, and toasts. GET /me and the pages
// of the address opened are fetched side by side, and the first render
// waits for the pages and, briefly, their first reads (App's loadPages).
import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/react-styles/css/utilities/Spacing/spacing.css";
import "@patternfly/react-styles/css/utilities/Text/text.css";
import "./i18n/index.ts";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ApiError } from "./api/ApiError.ts";
import { get } from "./api/client.ts";
import { meKey } from "./api/me.ts";
import { paths } from "./api/paths.ts";
import { session } from "./api/session.ts";
import type { Me } from "./api/types.ts";
import { App, loadPages } from "./App.tsx";
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

const root = createRoot(document.getElementById("root")!);
const render = () =>
  root.render(
    <StrictMode>
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
    queryFn: ({ signal }) => get<Me>(paths.me, undefined, signal),
  });
// A page that failed to load is left to its route, which shows the failure.
void loadPages(location, client)
  .catch(() => {})
  .then(render);
