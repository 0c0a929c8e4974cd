// The console's routes (web/src/routes.ts) as boot.ts reads them: for every
// kind of address, the pages its own matcher picks are the pages react-router
// renders for it, so that the chunks loaded first are the ones shown.
import assert from "node:assert/strict";
import { test } from "node:test";
import { matchRoutes, type RouteObject } from "react-router";
import { pagesAt, type RouteDef, routeDefs } from "../../web/src/routes.ts";

/** The routes as react-router objects, each carrying its page as its handle (App.tsx renders the same tree). */
function objects(defs: RouteDef[]): RouteObject[] {
  return defs.map((d) => (d.index ? { index: true, handle: d.page } : { path: d.path, handle: d.page, children: d.children && objects(d.children) }));
}

const ADDRESSES = [
  "/",
  "/login",
  "/clusters",
  "/clusters/",
  "/Clusters",
  "/clusters/integrate",
  "/clusters/dev",
  "/clusters/dev/nodes",
  "/clusters/dev/namespaces",
  "/clusters/dev/nodes/node-1",
  "/clusters/dev/yaml",
  "/clusters/dev/workloads",
  "/clusters/dev/workloads/deployments",
  "/clusters/dev/workloads/deployments/create",
  "/clusters/dev/workloads/deployments/form",
  "/clusters/dev/namespaces/team-a",
  "/clusters/dev/namespaces/team-a/quota",
  "/clusters/dev/namespaces/team-a/pods/web-1",
  "/clusters/dev/namespaces/team-a/deployments/web",
  "/clusters/dev/namespaces/team-a/deployments/web/edit",
  "/clusters/dev/namespaces/team-a/deployments/web/form",
  "/clusters/dev/resources",
  "/clusters/dev/resources/services",
  "/clusters/dev/resources/services/create",
  "/clusters/dev/customresources",
  "/clusters/dev/customresources/widgets.example.com",
  "/clusters/dev/customresources/widgets.example.com/create",
  "/clusters/dev/customresources/widgets.example.com/objects/w1",
  "/clusters/a%20b/nodes",
  "/access",
  "/access/users",
  "/audit",
  "/search",
  "/policies",
  "/policies/create",
  "/policies/baseline",
  "/policies/baseline/clusters",
  "/nowhere",
  "/clusters/dev/nodes/node-1/more/than/any/route",
];

test("boot.ts picks, for every kind of address, the pages react-router renders there", () => {
  const routes = objects(routeDefs);
  for (const path of ADDRESSES) {
    const expected = (matchRoutes(routes, path) ?? []).map((m) => m.route.handle).filter(Boolean);
    assert.deepEqual(pagesAt(path), expected, path);
  }
});

test("an address of a cluster's page picks the cluster's frame and the page, not a page named like the cluster", () => {
  assert.deepEqual(pagesAt("/clusters/integrate"), ["IntegratePage"]);
  assert.deepEqual(pagesAt("/clusters/prod"), ["ClusterPage", "ClusterOverview"]);
  assert.deepEqual(pagesAt("/clusters/prod/nodes"), ["ClusterPage", "ClusterNodes"]);
});
