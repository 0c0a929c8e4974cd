// Routes. Every page is loaded on demand (lib/pages.tsx), so the first
// render carries only the frame and the page shown; main.tsx loads the pages
// of the address opened (loadPages) before it renders. Signed-out users go to
// the login page and come back where they were.
import { type ReactElement, Suspense, useSyncExternalStore } from "react";
import { createRoutesFromElements, matchRoutes, Navigate, Route, Routes, useLocation } from "react-router";
import type { QueryClient } from "@tanstack/react-query";
import { session } from "./api/session.ts";
import { PageLoading } from "./components/PageLoading.tsx";
import { AppShell } from "./layout/AppShell.tsx";
import { type Page, page } from "./lib/pages.tsx";

const LoginPage = page(() => import("./pages/LoginPage.tsx"));
const ClustersPage = page(() => import("./pages/ClustersPage.tsx"));
const IntegratePage = page(() => import("./pages/IntegratePage.tsx"));
const ClusterPage = page(() => import("./pages/ClusterPage.tsx"));
const ClusterOverview = page(() => import("./pages/ClusterOverview.tsx"));
const ClusterNodes = page(() => import("./pages/ClusterNodes.tsx"));
const ClusterNamespaces = page(() => import("./pages/ClusterNamespaces.tsx"));
const NodePage = page(() => import("./pages/NodePage.tsx"));
const YamlPage = page(() => import("./pages/YamlPage.tsx"));
const AccessPage = page(() => import("./pages/AccessPage.tsx"));
const AuditPage = page(() => import("./pages/AuditPage.tsx"));
const SearchPage = page(() => import("./pages/SearchPage.tsx"));
const PoliciesPage = page(() => import("./pages/PoliciesPage.tsx"));
const PolicyCreatePage = page(() => import("./pages/PolicyCreatePage.tsx"));
const PolicyPage = page(() => import("./pages/PolicyPage.tsx"));
const NamespacePage = page(() => import("./pages/NamespacePage.tsx"));
const WorkloadsPage = page(() => import("./pages/WorkloadsPage.tsx"));
const ObjectPage = page(() => import("./pages/ObjectPage.tsx"));
const YamlEditPage = page(() => import("./pages/YamlEditPage.tsx"));
const CreateFormPage = page(() => import("./pages/CreateFormPage.tsx"));
const CrdsPage = page(() => import("./pages/CrdsPage.tsx"));
const CrObjectsPage = page(() => import("./pages/CrObjectsPage.tsx"));
const CrYamlPage = page(() => import("./pages/CrYamlPage.tsx"));
const PodPage = page(() => import("./pages/PodPage.tsx"));
const ResourcesPage = page(() => import("./pages/ResourcesPage.tsx"));
const NotFoundPage = page(() => import("./pages/NotFoundPage.tsx"));

function useSession() {
  return useSyncExternalStore(session.subscribe, session.get);
}

function RequireSession() {
  const s = useSession();
  const { pathname, search } = useLocation();
  if (!s) return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} replace />;
  return <AppShell />;
}

const routes = (
  <>
    <Route path="/login" element={<LoginPage />} />
    <Route element={<RequireSession />}>
      <Route index element={<Navigate to="/clusters" replace />} />
      <Route path="clusters" element={<ClustersPage />} />
      <Route path="clusters/integrate" element={<IntegratePage />} />
      <Route path="clusters/:cluster" element={<ClusterPage />}>
        <Route index element={<ClusterOverview />} />
        <Route path="nodes" element={<ClusterNodes />} />
        <Route path="namespaces" element={<ClusterNamespaces />} />
      </Route>
      <Route path="clusters/:cluster/nodes/:node" element={<NodePage />} />
      <Route path="clusters/:cluster/yaml" element={<YamlPage />} />
      <Route path="clusters/:cluster/workloads" element={<WorkloadsPage />} />
      <Route path="clusters/:cluster/workloads/:kind" element={<WorkloadsPage />} />
      <Route path="clusters/:cluster/workloads/:kind/create" element={<YamlEditPage />} />
      <Route path="clusters/:cluster/workloads/:kind/form" element={<CreateFormPage />} />
      <Route path="clusters/:cluster/namespaces/:namespace/pods/:name" element={<PodPage />} />
      <Route path="clusters/:cluster/resources" element={<ResourcesPage />} />
      <Route path="clusters/:cluster/resources/:kind" element={<ResourcesPage />} />
      <Route path="clusters/:cluster/resources/:kind/create" element={<YamlEditPage />} />
      <Route path="clusters/:cluster/namespaces/:namespace/:kind/:name" element={<ObjectPage />} />
      <Route path="clusters/:cluster/namespaces/:namespace/:kind/:name/edit" element={<YamlEditPage />} />
      <Route path="clusters/:cluster/namespaces/:namespace/:kind/:name/form" element={<CreateFormPage />} />
      <Route path="clusters/:cluster/customresources" element={<CrdsPage />} />
      <Route path="clusters/:cluster/customresources/:crd" element={<CrObjectsPage />} />
      <Route path="clusters/:cluster/customresources/:crd/create" element={<CrYamlPage />} />
      <Route path="clusters/:cluster/customresources/:crd/objects/:name" element={<CrYamlPage />} />
      <Route path="access" element={<Navigate to="/access/rolebindings" replace />} />
      <Route path="access/:tab" element={<AccessPage />} />
      <Route path="audit" element={<AuditPage />} />
      <Route path="search" element={<SearchPage />} />
      <Route path="policies" element={<PoliciesPage />} />
      <Route path="policies/create" element={<PolicyCreatePage />} />
      <Route path="policies/:name/:tab?" element={<PolicyPage />} />
      <Route path="clusters/:cluster/namespaces/:namespace/:tab?" element={<NamespacePage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Route>
  </>
);

/**
 * How long the first render waits for the page's first reads once its chunks
 * are in: a quick answer then renders once, with its rows, instead of an
 * empty page and a second render; a slow one does not hold back the frame.
 */
const FIRST_READS_WAIT_MS = 200;

/**
 * Loads the pages `pathname` shows (the login page when signed out), so that
 * the first render need not wait for them, and starts their first reads; it
 * settles when the pages are in and the reads answered (or FIRST_READS_WAIT_MS passed).
 */
export async function loadPages({ pathname, search }: { pathname: string; search: string }, client: QueryClient): Promise<void> {
  if (!session.get()) return void (await LoginPage.load());
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
  await Promise.race([Promise.all(reads), new Promise((r) => setTimeout(r, FIRST_READS_WAIT_MS))]);
}

export function App() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Routes>{routes}</Routes>
    </Suspense>
  );
}
