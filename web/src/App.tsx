// Routes (routes.ts). Every page is loaded on demand (lib/pages.tsx), so the
// first render carries only the frame and the page shown; boot.ts starts
// loading the pages of the address opened, and main.tsx waits for them
// (loadPages) before it renders. Signed-out users go to the login page and
// come back where they were.
import { type ReactElement, Suspense, useSyncExternalStore } from "react";
import { createRoutesFromElements, matchRoutes, Navigate, Route, Routes, useLocation } from "react-router";
import type { QueryClient } from "@tanstack/react-query";
import { session } from "./api/session.ts";
import { PageLoading } from "./components/PageLoading.tsx";
import { AppShell } from "./layout/AppShell.tsx";
import { type Page, page } from "./lib/pages.tsx";
import { pageLoaders } from "./pageLoaders.ts";
import { type PageName, type RouteDef, routeDefs } from "./routes.ts";

const pages = Object.fromEntries(Object.entries(pageLoaders).map(([name, load]) => [name, page(load)])) as Record<PageName, Page<object>>;

function useSession() {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}

function RequireSession() {
  const s = useSession();
  const { pathname, search } = useLocation();
  if (!s) return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} replace />;
  return <AppShell />;
}

function toRoute(r: RouteDef, i: number): ReactElement {
  const Page = r.page && pages[r.page];
  const element = r.shell ? <RequireSession /> : r.to ? <Navigate to={r.to} replace /> : Page ? <Page /> : undefined;
  if (r.index) return <Route key={i} index element={element} />;
  return (
    <Route key={i} path={r.path} element={element}>
      {r.children?.map(toRoute)}
    </Route>
  );
}

const routes = <>{routeDefs.map(toRoute)}</>;

/**
 * How long the first render waits for the page's first reads once its chunks
 * are in: a quick answer then renders once, with its rows, instead of an
 * empty page and a second render; a slow one does not hold back the frame.
 */
const FIRST_READS_WAIT_MS = 200;

/**
 * Loads the pages `pathname` shows (the login page when signed out), so that
 * the first render need not wait for them, and starts their first reads; it
 * settles when the pages are in and the reads answered (or `waitMs` passed).
 */
export async function loadPages(
  { pathname, search }: { pathname: string; search: string },
  client: QueryClient,
  waitMs = FIRST_READS_WAIT_MS,
): Promise<void> {
  if (!session.get()) return void (await pages.LoginPage.load());
  const matches = matchRoutes(createRoutesFromElements(routes), pathname) ?? [];
  const reads: Promise<unknown>[] = [];
  await Promise.all(
    matches.map(async (m) => {
      const p = (m.route.element as ReactElement | undefined)?.type as Partial<Page<object>> | undefined;
      const mod = await p?.load?.();
      const read = mod?.prefetch?.(client, m.params, new URLSearchParams(search));
      if (read) reads.push(read);
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(reads), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
}

export function App() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Routes>{routes}</Routes>
    </Suspense>
  );
}
