// The clusters overview's kind: one row per cluster from GET /clustersummary
// (status, version, provider, nodes, CPU and memory requested against
// allocatable), sorted and filtered on the server.
import { Content } from "@patternfly/react-core";
import type { ClusterSummary } from "../api/types.ts";
import { LabelList } from "../components/LabelList.tsx";
import { StaleMarker } from "../components/StaleMarker.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { UsageBar } from "../components/UsageBar.tsx";
import { bytes, cores } from "../lib/format.ts";
import i18n from "../i18n/index.ts";
import { downloadKubeconfig, EditClusterLabels, RemoveCluster } from "./clusterDialogs.tsx";
import { kind, type RowDialogProps } from "./types.ts";

export const PHASE_OPTIONS = ["Running", "Integrating", "Unknown", "Removing"].map((p) => ({ value: p, label: `status.${p}` }));

function LabelsDialog({ item, onClose }: RowDialogProps<ClusterSummary>) {
  return <EditClusterLabels cluster={item.cluster} labels={item.labels} onClose={onClose} />;
}
function RemoveDialog({ item, onClose }: RowDialogProps<ClusterSummary>) {
  return <RemoveCluster cluster={item.cluster} onClose={onClose} />;
}

export const clusterKind = kind<ClusterSummary>({
  kind: "Cluster",
  title: "nav.clusters",
  path: () => "/clustersummary",
  key: (c) => c.cluster,
  link: (c) => `/clusters/${encodeURIComponent(c.cluster)}`,
  where: (c) => ({ cluster: c.cluster }),
  stale: (c) => (c.stale ? { since: c.lastSeen } : undefined),
  defaultSort: { by: "name", dir: "asc" },
  search: true,
  labelSelector: true,
  filters: [{ id: "phase", title: "common.status", type: "select", options: PHASE_OPTIONS }],
  columns: [
    {
      id: "name",
      title: "common.name",
      sortKey: "name",
      render: (c) => (
        <>
          {c.cluster}
          {c.alias && <Content component="small"> ({c.alias})</Content>}
        </>
      ),
    },
    {
      id: "status",
      title: "common.status",
      sortKey: "status",
      render: (c) => (
        <>
          <StatusLabel status={c.phase} /> {(c.stale || c.phase === "Unknown") && <StaleMarker since={c.lastSeen} />}
        </>
      ),
    },
    { id: "version", title: "cluster.version", sortKey: "version", render: (c) => c.version ?? "–" },
    { id: "provider", title: "cluster.provider", sortKey: "provider", render: (c) => c.provider ?? "–" },
    { id: "nodes", title: "cluster.nodesReady", sortKey: "nodes", render: (c) => (c.nodes ? `${c.nodes.ready} / ${c.nodes.total}` : "–") },
    {
      id: "cpu",
      title: "cluster.cpuRequested",
      sortKey: "cpu",
      width: 15,
      render: (c) => <UsageBar label={i18n.t("cluster.cpuOf", { name: c.cluster })} part={c.cpu?.requested} whole={c.cpu?.allocatable} format={cores} />,
    },
    {
      id: "memory",
      title: "cluster.memoryRequested",
      sortKey: "memory",
      width: 15,
      render: (c) => <UsageBar label={i18n.t("cluster.memoryOf", { name: c.cluster })} part={c.memory?.requested} whole={c.memory?.allocatable} format={bytes} />,
    },
    { id: "labels", title: "common.labels", render: (c) => <LabelList labels={c.labels} max={1} /> },
  ],
  toolbarActions: [{ id: "integrate", label: "cluster.integrate", action: "clusters.create", to: "/clusters/integrate" }],
  rowActions: [
    { id: "kubeconfig", label: "cluster.downloadKubeconfig", action: "cluster.kubeconfig", run: (c) => downloadKubeconfig(c.cluster), done: "cluster.kubeconfigDownloaded" },
    { id: "labels", label: "cluster.editLabels", action: "cluster.edit", dialog: LabelsDialog },
    { id: "remove", label: "cluster.remove", action: "cluster.delete", danger: true, dialog: RemoveDialog },
  ],
});
