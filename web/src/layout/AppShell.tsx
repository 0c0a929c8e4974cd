// The frame around every signed-in page: the masthead (brand, global search,
// user menu), the navigation (with the current cluster's section), and the
// page itself, loaded on demand.
import {
  Brand,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Nav,
  NavExpandable,
  NavItem,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  SkipToContent,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import BarsIcon from "@patternfly/react-icons/dist/esm/icons/bars-icon";
import navStyles from "@patternfly/react-styles/css/components/Nav/nav";
import { css } from "@patternfly/react-styles";
import { type ReactNode, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation, useMatch } from "react-router";
import { useCan } from "../api/me.ts";
import { PageLoading } from "../components/PageLoading.tsx";
import { GlobalSearch } from "./GlobalSearch.tsx";
import { UserMenu } from "./UserMenu.tsx";

const MAIN_ID = "kpanda-main";

const HomeLink = (p: object) => <NavLink {...p} to="/clusters" />;

function Item({ to, children, end, also }: { to: string; children: string; end?: boolean; also?: RegExp }) {
  const { pathname } = useLocation();
  const active = (end ? pathname === to : pathname === to || pathname.startsWith(`${to}/`)) || !!also?.test(pathname);
  return (
    <NavItem isActive={active}>
      <NavLink to={to} end={end}>
        {children}
      </NavLink>
    </NavItem>
  );
}

/** A Service's, Ingress's, ConfigMap's, Secret's or PVC's page is in the resources section. */
const RESOURCE_PAGE = /^\/clusters\/[^/]+\/namespaces\/[^/]+\/(services|ingresses|configmaps|secrets|persistentvolumeclaims)\/[^/]+/;
/** A workload's or pod's page (…/namespaces/{ns}/{kind}/{name}, other than those) is in the workloads section. */
const WORKLOAD_PAGE = /^\/clusters\/[^/]+\/namespaces\/[^/]+\/(?!(services|ingresses|configmaps|secrets|persistentvolumeclaims)\/)[^/]+\/[^/]+/;

/**
 * PatternFly's NavList, as it renders in a vertical nav. Not NavList itself:
 * for the scroll buttons of a horizontal nav it reads the list's computed
 * direction (getComputedStyle) when mounted and at every update, which made
 * the browser restyle the whole page twice during the first render (~40% of
 * that render on a first visit; the overview's bench/console.ts figure).
 */
const NavItems = ({ children }: { children: ReactNode }) => (
  // biome-ignore lint/a11y/noRedundantRoles: as NavList has it; Safari drops a list's role where its bullets are hidden
  <ul className={css(navStyles.navList)} role="list">
    {children}
  </ul>
);

function Navigation() {
  const { t } = useTranslation();
  const can = useCan();
  const { pathname } = useLocation();
  const inCluster = useMatch("/clusters/:cluster/*");
  const cluster = inCluster && inCluster.params.cluster !== "integrate" ? inCluster.params.cluster : undefined;
  const base = cluster ? `/clusters/${encodeURIComponent(cluster)}` : "";
  return (
    <Nav aria-label={t("nav.label")}>
      <NavItems>
        <Item to="/clusters" end>
          {t("nav.clusters")}
        </Item>
        {cluster && (
          <NavExpandable title={cluster} isExpanded isActive={pathname.startsWith(base)} buttonProps={{ "aria-label": t("nav.clusterSection", { name: cluster }) }}>
            <Item to={base} end>
              {t("nav.overview")}
            </Item>
            {can("nodes.view", { cluster }) && <Item to={`${base}/nodes`}>{t("nav.nodes")}</Item>}
            <Item to={`${base}/namespaces`} end>
              {t("nav.namespaces")}
            </Item>
            <Item to={`${base}/workloads`} also={WORKLOAD_PAGE}>
              {t("apps.workloads")}
            </Item>
            {/* CRDs are cluster-scoped: their list is a ClusterAdmin's, as the nodes' (kinds/crds.tsx). */}
            {can("nodes.view", { cluster }) && <Item to={`${base}/customresources`}>{t("crs.title")}</Item>}
            <Item to={`${base}/resources`} also={RESOURCE_PAGE}>
              {t("resources.title")}
            </Item>
          </NavExpandable>
        )}
        <NavExpandable title={t("nav.access")} isExpanded isActive={pathname.startsWith("/access")}>
          {can("users.manage") && <Item to="/access/users">{t("nav.users")}</Item>}
          <Item to="/access/rolebindings">{t("nav.roleBindings")}</Item>
          <Item to="/access/tokens">{t("nav.tokens")}</Item>
        </NavExpandable>
        {can("cluster.edit") && <Item to="/policies">{t("policies.title")}</Item>}
        {(can("audit.view") || can("cluster.audit")) && <Item to="/audit">{t("nav.audit")}</Item>}
      </NavItems>
    </Nav>
  );
}

export function AppShell() {
  const { t } = useTranslation();
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label={t("nav.toggle")}>
            <BarsIcon />
          </PageToggleButton>
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component={HomeLink}>
            <Brand src="/logo.svg" alt="kpanda" heights={{ default: "36px" }} />
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup variant="action-group-plain" align={{ default: "alignEnd" }} gap={{ default: "gapMd" }}>
              <ToolbarItem>
                <GlobalSearch />
              </ToolbarItem>
              <ToolbarItem>
                <UserMenu />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Navigation />
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page
      masthead={masthead}
      sidebar={sidebar}
      isManagedSidebar
      mainContainerId={MAIN_ID}
      skipToContent={<SkipToContent href={`#${MAIN_ID}`}>{t("nav.skipToContent")}</SkipToContent>}
    >
      <Suspense fallback={<PageLoading />}>
        <Outlet />
      </Suspense>
    </Page>
  );
}
