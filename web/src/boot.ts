// The console's first script, small so that it runs as soon as the page is
// parsed. It starts, side by side, the rest of the console (main.tsx), the
// pages of the address opened (routes.ts) and GET /me, then applies the
// stylesheet (styles.ts). Each used to wait for the one before: the pages'
// chunks and /me were asked for only once main.tsx and all it imports had
// been fetched and run. A page kpanda serve rendered (ssr/adopt.ts) brings
// /me's answer, and perhaps the session.
import { startEarly } from "./api/early.ts";
import { paths } from "./api/paths.ts";
import { session } from "./api/session.ts";
import { pageLoaders } from "./pageLoaders.ts";
import { type PageName, pagesAt } from "./routes.ts";
import { servedPage, serverRender } from "./ssr/adopt.ts";
import { applyStyles } from "./styles.ts";

/** Starts the console: everything it needs, side by side. */
function boot() {
  // Adopts the session served with the page when this tab has none (a new tab).
  serverRender();
  const served = servedPage() !== null;
  const signedIn = session.get() !== undefined;
  // A served page carries /me's answer.
  if (signedIn && !served) startEarly(paths.me);
  const pages: PageName[] = signedIn ? pagesAt(location.pathname) : ["LoginPage"];
  const start = () => {
    // A page that fails to load here fails again where main.tsx loads it, which shows the failure.
    for (const name of pages) pageLoaders[name]().catch(() => {});
    void import("./main.tsx");
    void applyStyles();
  };
  // A rendered page shows first: running the console's scripts before would hold back its first frame.
  if (served) requestAnimationFrame(() => setTimeout(start, 0));
  else start();
}

// This script is async (vite.config.ts), so it may run before the page is parsed: a served page's
// body, and the session and data that come last in it, may still be on their way (a slow network,
// or a busy browser). Read once they are all in.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
else boot();
