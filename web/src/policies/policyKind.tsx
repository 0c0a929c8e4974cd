// Cluster policies as the shared list shows them (GET /clusterpolicies: only
// those the caller may manage, by name): kind, mode, targets and the fleet's
// compliance totals; Enforce and Delete on each row.
import { Checkbox, Label } from "@patternfly/react-core";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { del } from "../api/client.ts";
import { type ClusterPolicy, type Mode, POLICY_KINDS, policyPaths, selectorText, setMode } from "../api/policies.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { kind, type RowDialogProps } from "../kinds/types.ts";
import { age } from "../lib/format.ts";
import { FleetTotals } from "./PolicyState.tsx";

export function ModeLabel({ mode }: { mode: Mode }) {
  const { t } = useTranslation();
  const color = mode === "Enforce" ? "purple" : mode === "Warn" ? "orange" : "blue";
  return (
    <Label color={color} isCompact data-mode={mode}>
      {t(`policies.modes.${mode}`)}
    </Label>
  );
}

export function Targets({ p }: { p: ClusterPolicy }) {
  const { t } = useTranslation();
  if (p.clusters.names) return <span>{p.clusters.names.join(", ")}</span>;
  const s = selectorText(p.clusters.selector);
  return <span>{s ? t("policies.clustersMatching", { selector: s }) : t("policies.allClusters")}</span>;
}

export function DeletePolicy({ item, onClose, onDeleted }: RowDialogProps<ClusterPolicy> & { onDeleted?: () => void }) {
  const { t } = useTranslation();
  const [keep, setKeep] = useState(false);
  return (
    <ConfirmDialog
      title={t("policies.deleteTitle", { name: item.name })}
      body={
        <>
          <p className="pf-v6-u-mb-sm">
            <Trans i18nKey="policies.deleteBody" values={{ name: item.name }} components={{ b: <strong /> }} />
          </p>
          <Checkbox id="policy-keep" label={t("policies.keepObjects")} isChecked={keep} onChange={(_e, v) => setKeep(v)} />
        </>
      }
      confirmLabel={t("common.delete")}
      typeToConfirm={item.name}
      onClose={onClose}
      onConfirm={async () => {
        await del(policyPaths.policy(item.name), keep ? { keep: true } : undefined);
        onDeleted?.();
      }}
    />
  );
}

export const policyKind = kind<ClusterPolicy>({
  kind: "ClusterPolicy",
  title: "policies.title",
  path: () => policyPaths.policies,
  key: (p) => p.name,
  link: (p) => `/policies/${encodeURIComponent(p.name)}`,
  search: true,
  filters: [
    {
      id: "kind",
      title: "policies.kind",
      type: "select",
      options: POLICY_KINDS.map((k) => ({ value: k, label: `policies.kinds.${k}` })),
    },
  ],
  columns: [
    { id: "name", title: "common.name", width: 20, render: (p) => p.name },
    { id: "kind", title: "policies.kind", render: (p) => <KindText p={p} /> },
    { id: "mode", title: "policies.mode", render: (p) => <ModeLabel mode={p.mode} /> },
    { id: "targets", title: "policies.targets", width: 20, render: (p) => <Targets p={p} /> },
    { id: "compliance", title: "policies.compliance", width: 30, render: (p) => <FleetTotals name={p.name} /> },
    { id: "age", title: "common.age", render: (p) => age(p.creationTimestamp) },
  ],
  // Who may create one: an Owner, or a ClusterAdmin (for its own clusters; the server checks which).
  toolbarActions: [{ id: "create", label: "policies.create", action: "cluster.edit", to: "/policies/create" }],
  rowActions: [
    {
      id: "enforce",
      label: "policies.enforce",
      applies: (p) => p.mode !== "Enforce" && !p.deleting,
      run: (p) => setMode(p, "Enforce"),
      done: "policies.enforced",
    },
    { id: "delete", label: "common.delete", danger: true, applies: (p) => !p.deleting, dialog: DeletePolicy },
  ],
});

function KindText({ p }: { p: ClusterPolicy }) {
  const { t } = useTranslation();
  const k = t(`policies.kinds.${p.kind}`);
  return <span>{p.kind === "PodSecurity" ? `${k} (${t(`policies.levels.${p.level}`)})` : k}</span>;
}
