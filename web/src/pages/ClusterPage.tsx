// A cluster's page: its name, alias and status (stale with the last-seen
// time when Unknown), the actions the user may take on it, and tabs for the
// overview, nodes and namespaces (each its own route).
import { Content, Dropdown, DropdownItem, DropdownList, Flex, FlexItem, MenuToggle, PageSection, Title } from "@patternfly/react-core";
import { type QueryClient, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Outlet, type Params, useLocation, useNavigate, useParams } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import { get, put } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import type { Cluster } from "../api/types.ts";
import { POLL_MS } from "../api/useList.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { StaleMarker } from "../components/StaleMarker.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { downloadKubeconfig, EditClusterAlias, EditClusterLabels, RemoveCluster } from "../kinds/clusterDialogs.tsx";

export type ClusterOutlet = { cluster: string; object?: Cluster };

const clusterQuery = (name: string) =>
  queryOptions<Cluster, ApiError>({
    queryKey: ["cluster", name],
    queryFn: ({ signal }) => get<Cluster>(paths.cluster(name), undefined, signal),
    refetchInterval: POLL_MS,
  });

export function useCluster(name: string, enabled = true) {
  return useQuery({ ...clusterQuery(name), enabled });
}

/** The cluster's object, read before the page renders (lib/pages.tsx). */
export function prefetch(client: QueryClient, { cluster }: Params) {
  if (cluster) return client.prefetchQuery(clusterQuery(cluster));
}

function ClusterActions({ c, onRemoving }: { c: Cluster; onRemoving: (on: boolean) => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const notify = useNotify();
  const navigate = useNavigate();
  const client = useQueryClient();
  const name = c.metadata.name;
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<"alias" | "labels" | "remove">();
  const where = { cluster: name };
  const protect = async (on: boolean) => {
    try {
      await put(paths.cluster(name), { deletionProtection: on });
      await client.invalidateQueries({ queryKey: ["cluster", name] });
      notify("success", t(on ? "cluster.protectionOn" : "cluster.protectionOff", { name }));
    } catch (e) {
      notify("danger", t("error.actionFailed", { action: t("cluster.deletionProtection") }), (e as Error).message);
    }
  };
  const items = [
    can("cluster.edit", where) && (
      <DropdownItem key="alias" onClick={() => setDialog("alias")}>
        {t("cluster.editAlias")}
      </DropdownItem>
    ),
    can("cluster.edit", where) && (
      <DropdownItem key="labels" onClick={() => setDialog("labels")}>
        {t("cluster.editLabels")}
      </DropdownItem>
    ),
    can("cluster.kubeconfig", where) && (
      <DropdownItem key="kubeconfig" onClick={() => downloadKubeconfig(name).catch((e: Error) => notify("danger", t("cluster.downloadKubeconfig"), e.message))}>
        {t("cluster.downloadKubeconfig")}
      </DropdownItem>
    ),
    can("cluster.delete", where) && (
      <DropdownItem key="protect" onClick={() => protect(!c.spec.deletionProtection)}>
        {t(c.spec.deletionProtection ? "cluster.unprotect" : "cluster.protect")}
      </DropdownItem>
    ),
    can("cluster.delete", where) && (
      <DropdownItem
        key="remove"
        isDanger
        isAriaDisabled={c.spec.deletionProtection}
        tooltipProps={c.spec.deletionProtection ? { content: t("cluster.protectedHint") } : undefined}
        onClick={() => setDialog("remove")}
      >
        {t("cluster.remove")}
      </DropdownItem>
    ),
  ].filter(Boolean);
  if (!items.length) return null;
  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        onSelect={() => setOpen(false)}
        popperProps={{ position: "right" }}
        toggle={(ref) => (
          <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open}>
            {t("common.actions")}
          </MenuToggle>
        )}
      >
        <DropdownList>{items}</DropdownList>
      </Dropdown>
      {dialog === "alias" && <EditClusterAlias cluster={name} alias={c.spec.alias} onClose={() => setDialog(undefined)} />}
      {dialog === "labels" && <EditClusterLabels cluster={name} labels={c.metadata.labels} onClose={() => setDialog(undefined)} />}
      {dialog === "remove" && (
        <RemoveCluster cluster={name} onClose={() => setDialog(undefined)} onRemoving={onRemoving} onDone={() => navigate("/clusters")} />
      )}
    </>
  );
}

export default function ClusterPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { pathname } = useLocation();
  const name = useParams().cluster!;
  // While the cluster is being removed nothing of it is read: it is soon gone (404).
  const [removing, setRemoving] = useState(false);
  const { data: c, error } = useCluster(name, !removing);
  const base = `/clusters/${encodeURIComponent(name)}`;
  const tab = pathname.endsWith("/nodes") ? "nodes" : pathname.endsWith("/namespaces") ? "namespaces" : "overview";
  const tabs = [
    { key: "overview", to: base, title: t("nav.overview") },
    ...(can("nodes.view", { cluster: name }) ? [{ key: "nodes", to: `${base}/nodes`, title: t("nav.nodes") }] : []),
    { key: "namespaces", to: `${base}/namespaces`, title: t("nav.namespaces") },
  ];
  return (
    <>
      <PageSection>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <Title headingLevel="h1">
              {name} {c?.spec.alias && <Content component="small">({c.spec.alias})</Content>}
            </Title>
            {c && (
              <div className="pf-v6-u-mt-sm">
                <StatusLabel status={c.status.phase} /> {c.status.phase === "Unknown" && <StaleMarker since={c.status.lastSeen} />}
              </div>
            )}
          </FlexItem>
          <FlexItem>{c && <ClusterActions c={c} onRemoving={setRemoving} />}</FlexItem>
        </Flex>
        {error && <ErrorAlert error={error} />}
      </PageSection>
      <PageSection>
        {removing ? (
          <PageLoading />
        ) : (
          <RouteTabs tabs={tabs} active={tab} label={t("nav.clusterSection", { name })}>
            <Outlet context={{ cluster: name, object: c } satisfies ClusterOutlet} />
          </RouteTabs>
        )}
      </PageSection>
    </>
  );
}
