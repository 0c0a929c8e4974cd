// Nodes of a cluster: status (and cordoned), roles, version, pods and usage;
// cordon, uncordon, drain, labels and taints, each allowed by nodes.edit.
import type { NodeItem } from "../api/types.ts";
import { post } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { UsageBar } from "../components/UsageBar.tsx";
import i18n from "../i18n/index.ts";
import { age, bytes, cores } from "../lib/format.ts";
import { DrainDialog, NodeLabelsDialog, NodeTaintsDialog } from "./nodeDialogs.tsx";
import { CREATED, kind, type RowDialogProps } from "./types.ts";

const Drain = ({ item, params, onClose }: RowDialogProps<NodeItem>) => <DrainDialog cluster={params.cluster!} node={item.name} onClose={onClose} />;
const Labels = ({ item, params, onClose }: RowDialogProps<NodeItem>) => (
  <NodeLabelsDialog cluster={params.cluster!} node={item.name} labels={item.labels} onClose={onClose} />
);
const Taints = ({ item, params, onClose }: RowDialogProps<NodeItem>) => (
  <NodeTaintsDialog cluster={params.cluster!} node={item.name} taints={item.taints} onClose={onClose} />
);

export function NodeStatus({ node }: { node: Pick<NodeItem, "status" | "unschedulable"> }) {
  return (
    <>
      <StatusLabel status={node.status} /> {node.unschedulable && <StatusLabel status="SchedulingDisabled" />}
    </>
  );
}

export const nodeKind = kind<NodeItem>({
  kind: "Node",
  title: "nav.nodes",
  path: (p) => (p.cluster ? paths.nodes(p.cluster) : undefined),
  key: (n) => n.name,
  link: (n, p) => `/clusters/${encodeURIComponent(p.cluster!)}/nodes/${encodeURIComponent(n.name)}`,
  where: (_n, p) => ({ cluster: p.cluster }),
  defaultSort: { by: "name", dir: "asc" },
  search: true,
  labelSelector: true,
  filters: [
    // The cache's node column `ready`: the Ready condition's status.
    {
      id: "ready",
      title: "common.status",
      type: "select",
      options: [
        { value: "True", label: "status.Ready" },
        { value: "False", label: "status.NotReady" },
        { value: "Unknown", label: "status.Unknown" },
      ],
    },
  ],
  columns: [
    { id: "name", title: "common.name", sortKey: "name", width: 20, render: (n) => n.name },
    { id: "status", title: "common.status", sortKey: "status", render: (n) => <NodeStatus node={n} /> },
    { id: "roles", title: "node.roles", render: (n) => n.roles.join(", ") || "–" },
    { id: "version", title: "node.version", sortKey: "version", render: (n) => n.version ?? "–" },
    { id: "pods", title: "node.pods", render: (n) => (n.allocatable ? `${n.pods} / ${n.allocatable.pods}` : n.pods) },
    {
      id: "cpu",
      title: "node.cpuUsage",
      width: 15,
      render: (n) =>
        n.usage ? <UsageBar label={i18n.t("node.cpuOf", { name: n.name })} part={n.usage.cpu} whole={n.allocatable?.cpu} format={cores} /> : "–",
    },
    {
      id: "memory",
      title: "node.memoryUsage",
      width: 15,
      render: (n) =>
        n.usage ? <UsageBar label={i18n.t("node.memoryOf", { name: n.name })} part={n.usage.memory} whole={n.allocatable?.memory} format={bytes} /> : "–",
    },
    { id: "age", title: "common.age", sortKey: CREATED, render: (n) => age(n.creationTimestamp) },
  ],
  rowActions: [
    {
      id: "cordon",
      label: "node.cordon",
      action: "nodes.edit",
      applies: (n) => !n.unschedulable,
      run: (n, p) => post(paths.nodeCordon(p.cluster!, n.name, true)),
      done: "node.cordoned",
    },
    {
      id: "uncordon",
      label: "node.uncordon",
      action: "nodes.edit",
      applies: (n) => n.unschedulable,
      run: (n, p) => post(paths.nodeCordon(p.cluster!, n.name, false)),
      done: "node.uncordoned",
    },
    { id: "drain", label: "node.drain", action: "nodes.edit", dialog: Drain },
    { id: "labels", label: "node.editLabels", action: "nodes.edit", dialog: Labels },
    { id: "taints", label: "node.editTaints", action: "nodes.edit", dialog: Taints },
  ],
});
