// The console's routes, as data: App.tsx renders them with react-router, and
// boot.ts reads them to start loading the pages of the address opened before
// React and the rest of the console have loaded. Each page is its own chunk
// (pageLoaders.ts).

/** The console's pages, each loaded on demand (pageLoaders.ts). */
export type PageName =
  | "LoginPage"
  | "ClustersPage"
  | "IntegratePage"
  | "ClusterPage"
  | "ClusterOverview"
  | "ClusterNodes"
  | "ClusterNamespaces"
  | "NodePage"
  | "YamlPage"
  | "AccessPage"
  | "AuditPage"
  | "SearchPage"
  | "PoliciesPage"
  | "PolicyCreatePage"
  | "PolicyPage"
  | "NamespacePage"
  | "WorkloadsPage"
  | "ObjectPage"
  | "YamlEditPage"
  | "CreateFormPage"
  | "CrdsPage"
  | "CrObjectsPage"
  | "CrYamlPage"
  | "PodPage"
  | "ResourcesPage"
  | "NotFoundPage";

/**
 * A route: a page, a redirect (`to`), or the signed-in frame (`shell`: the
 * masthead and navigation, or the way to the login page) around its children.
 */
export type RouteDef = { path?: string; index?: true; page?: PageName; to?: string; shell?: true; children?: RouteDef[] };

export const routeDefs: RouteDef[] = [
  { path: "/login", page: "LoginPage" },
  {
    shell: true,
    children: [
      { index: true, to: "/clusters" },
      { path: "clusters", page: "ClustersPage" },
      { path: "clusters/integrate", page: "IntegratePage" },
      {
        path: "clusters/:cluster",
        page: "ClusterPage",
        children: [
          { index: true, page: "ClusterOverview" },
          { path: "nodes", page: "ClusterNodes" },
          { path: "namespaces", page: "ClusterNamespaces" },
        ],
      },
      { path: "clusters/:cluster/nodes/:node", page: "NodePage" },
      { path: "clusters/:cluster/yaml", page: "YamlPage" },
      { path: "clusters/:cluster/workloads", page: "WorkloadsPage" },
      { path: "clusters/:cluster/workloads/:kind", page: "WorkloadsPage" },
      { path: "clusters/:cluster/workloads/:kind/create", page: "YamlEditPage" },
      { path: "clusters/:cluster/workloads/:kind/form", page: "CreateFormPage" },
      { path: "clusters/:cluster/namespaces/:namespace/pods/:name", page: "PodPage" },
      { path: "clusters/:cluster/resources", page: "ResourcesPage" },
      { path: "clusters/:cluster/resources/:kind", page: "ResourcesPage" },
      { path: "clusters/:cluster/resources/:kind/create", page: "YamlEditPage" },
      { path: "clusters/:cluster/namespaces/:namespace/:kind/:name", page: "ObjectPage" },
      { path: "clusters/:cluster/namespaces/:namespace/:kind/:name/edit", page: "YamlEditPage" },
      { path: "clusters/:cluster/namespaces/:namespace/:kind/:name/form", page: "CreateFormPage" },
      { path: "clusters/:cluster/customresources", page: "CrdsPage" },
      { path: "clusters/:cluster/customresources/:crd", page: "CrObjectsPage" },
      { path: "clusters/:cluster/customresources/:crd/create", page: "CrYamlPage" },
      { path: "clusters/:cluster/customresources/:crd/objects/:name", page: "CrYamlPage" },
      { path: "access", to: "/access/rolebindings" },
      { path: "access/:tab", page: "AccessPage" },
      { path: "audit", page: "AuditPage" },
      { path: "search", page: "SearchPage" },
      { path: "policies", page: "PoliciesPage" },
      { path: "policies/create", page: "PolicyCreatePage" },
      { path: "policies/:name/:tab?", page: "PolicyPage" },
      { path: "clusters/:cluster/namespaces/:namespace/:tab?", page: "NamespacePage" },
      { path: "*", page: "NotFoundPage" },
    ],
  },
];

type Branch = { segments: string[]; index: boolean; pages: PageName[]; order: number };

const segmentsOf = (path = "") => path.split("/").filter(Boolean);

/** Every route with a path or index, with the segments from the top and the pages on the way; an optional segment makes two. */
function branches(defs: RouteDef[], above: string[] = [], pages: PageName[] = [], out: Branch[] = []): Branch[] {
  for (const d of defs) {
    const own = d.page ? [...pages, d.page] : pages;
    const variants = expandOptional(segmentsOf(d.path));
    for (const v of variants) {
      const segments = [...above, ...v];
      if (d.children) branches(d.children, segments, own, out);
      if (d.path !== undefined || d.index) out.push({ segments, index: !!d.index, pages: own, order: out.length });
    }
  }
  return out;
}

function expandOptional(segments: string[]): string[][] {
  let out: string[][] = [[]];
  for (const s of segments) {
    if (s.endsWith("?")) out = out.flatMap((o) => [o, [...o, s.slice(0, -1)]]);
    else out = out.map((o) => [...o, s]);
  }
  return out;
}

/** react-router's rank of a route (its computeScore): more static segments first, a splat last. */
function score(b: Branch): number {
  let s = b.segments.length;
  if (b.segments.includes("*")) s -= 2;
  if (b.index) s += 2;
  for (const seg of b.segments) if (seg !== "*") s += seg.startsWith(":") ? 3 : 10;
  return s;
}

function matches(b: Branch, path: string[]): boolean {
  for (let i = 0; i < b.segments.length; i++) {
    const seg = b.segments[i];
    if (seg === "*") return true;
    if (i >= path.length) return false;
    if (!seg.startsWith(":") && seg.toLowerCase() !== path[i].toLowerCase()) return false;
  }
  return b.segments.length === path.length;
}

let ranked: Branch[] | undefined;

/**
 * The pages the address `pathname` shows, outermost first: the route
 * react-router would pick. Written here rather than taken from react-router
 * because boot.ts runs before React is loaded, and react-router's matcher
 * comes only with the rest of react-router; test/console/routes.test.ts checks
 * that both pick the same route.
 */
export function pagesAt(pathname: string): PageName[] {
  ranked ??= branches(routeDefs).sort((a, b) => score(b) - score(a) || a.order - b.order);
  let path: string[];
  try {
    path = segmentsOf(pathname).map(decodeURIComponent);
  } catch {
    path = segmentsOf(pathname);
  }
  return ranked.find((b) => matches(b, path))?.pages ?? [];
}
