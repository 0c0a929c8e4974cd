// Routes. Every page is loaded on demand (React.lazy), so the first render
// carries only the frame and the page shown. Signed-out users go to the login
// page and come back where they were.
import { lazy, Suspense, useSyncExternalStore } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";
import { session } from "./api/session.ts";
import { PageLoading } from "./components/PageLoading.tsx";
import { AppShell } from "./layout/AppShell.tsx";
import { RESOURCE_PLURALS } from "./resources/model.ts";

const LoginPage = lazy(() => import("./pages/LoginPage.tsx"));
const ClustersPage = lazy(() => import("./pages/ClustersPage.tsx"));
const IntegratePage = lazy(() => import("./pages/IntegratePage.tsx"));
const ClusterPage = lazy(() => import("./pages/ClusterPage.tsx"));
const ClusterOverview = lazy(() => import("./pages/ClusterOverview.tsx"));
const ClusterNodes = lazy(() => import("./pages/ClusterNodes.tsx"));
const ClusterNamespaces = lazy(() => import("./pages/ClusterNamespaces.tsx"));
const NodePage = lazy(() => import("./pages/NodePage.tsx"));
const YamlPage = lazy(() => import("./pages/YamlPage.tsx"));
const AccessPage = lazy(() => import("./pages/AccessPage.tsx"));
const AuditPage = lazy(() => import("./pages/AuditPage.tsx"));
const SearchPage = lazy(() => import("./pages/SearchPage.tsx"));
const PoliciesPage = lazy(() => import("./pages/PoliciesPage.tsx"));
const PolicyCreatePage = lazy(() => import("./pages/PolicyCreatePage.tsx"));
const PolicyPage = lazy(() => import("./pages/PolicyPage.tsx"));
const NamespacePage = lazy(() => import("./pages/NamespacePage.tsx"));
const WorkloadsPage = lazy(() => import("./pages/WorkloadsPage.tsx"));
const WorkloadPage = lazy(() => import("./pages/WorkloadPage.tsx"));
const YamlEditPage = lazy(() => import("./pages/YamlEditPage.tsx"));
const CreateFormPage = lazy(() => import("./pages/CreateFormPage.tsx"));
const CrdsPage = lazy(() => import("./pages/CrdsPage.tsx"));
const CrObjectsPage = lazy(() => import("./pages/CrObjectsPage.tsx"));
const CrYamlPage = lazy(() => import("./pages/CrYamlPage.tsx"));
const PodPage = lazy(() => import("./pages/PodPage.tsx"));
const ResourcesPage = lazy(() => import("./pages/ResourcesPage.tsx"));
const ResourcePage = lazy(() => import("./pages/ResourcePage.tsx"));
const NotFoundPage = lazy(() => import("./pages/NotFoundPage.tsx"));

function useSession() {
  return useSyncExternalStore(session.subscribe, session.get);
}

function RequireSession() {
  const s = useSession();
  const { pathname, search } = useLocation();
  if (!s) return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} replace />;
  return <AppShell />;
}

export function App() {
  return (
    <Suspense fallback={<PageLoading />}>
      <Routes>
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
          {RESOURCE_PLURALS.map((k) => (
            <Route key={k} path={`clusters/:cluster/namespaces/:namespace/${k}/:name`} element={<ResourcePage plural={k} />} />
          ))}
          <Route path="clusters/:cluster/namespaces/:namespace/:kind/:name" element={<WorkloadPage />} />
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
      </Routes>
    </Suspense>
  );
}
