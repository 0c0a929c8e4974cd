// The console's pages, each its own chunk, loaded on demand: by boot.ts for
// the address opened, by App.tsx's routes otherwise (routes.ts names them).
import type { PageModule } from "./lib/pages.tsx";
import type { PageName } from "./routes.ts";

type Loader = () => Promise<PageModule<any>>;

export const pageLoaders = {
  LoginPage: () => import("./pages/LoginPage.tsx"),
  ClustersPage: () => import("./pages/ClustersPage.tsx"),
  IntegratePage: () => import("./pages/IntegratePage.tsx"),
  ClusterPage: () => import("./pages/ClusterPage.tsx"),
  ClusterOverview: () => import("./pages/ClusterOverview.tsx"),
  ClusterNodes: () => import("./pages/ClusterNodes.tsx"),
  ClusterNamespaces: () => import("./pages/ClusterNamespaces.tsx"),
  NodePage: () => import("./pages/NodePage.tsx"),
  YamlPage: () => import("./pages/YamlPage.tsx"),
  AccessPage: () => import("./pages/AccessPage.tsx"),
  AuditPage: () => import("./pages/AuditPage.tsx"),
  SearchPage: () => import("./pages/SearchPage.tsx"),
  PoliciesPage: () => import("./pages/PoliciesPage.tsx"),
  PolicyCreatePage: () => import("./pages/PolicyCreatePage.tsx"),
  PolicyPage: () => import("./pages/PolicyPage.tsx"),
  NamespacePage: () => import("./pages/NamespacePage.tsx"),
  WorkloadsPage: () => import("./pages/WorkloadsPage.tsx"),
  ObjectPage: () => import("./pages/ObjectPage.tsx"),
  YamlEditPage: () => import("./pages/YamlEditPage.tsx"),
  CreateFormPage: () => import("./pages/CreateFormPage.tsx"),
  CrdsPage: () => import("./pages/CrdsPage.tsx"),
  CrObjectsPage: () => import("./pages/CrObjectsPage.tsx"),
  CrYamlPage: () => import("./pages/CrYamlPage.tsx"),
  PodPage: () => import("./pages/PodPage.tsx"),
  ResourcesPage: () => import("./pages/ResourcesPage.tsx"),
  NotFoundPage: () => import("./pages/NotFoundPage.tsx"),
} satisfies Record<PageName, Loader>;
