// The console's entry: styles, translations, the query client (retries only
// what may succeed on retry), the router, and toasts.
import "@patternfly/react-core/dist/styles/base.css";
import "@patternfly/react-styles/css/utilities/Spacing/spacing.css";
import "@patternfly/react-styles/css/utilities/Text/text.css";
import "./i18n/index.ts";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router";
import { ApiError } from "./api/ApiError.ts";
import { App } from "./App.tsx";
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

createRoot(document.getElementById("root")!).render(
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
