// Namespaces of a cluster (only those the caller may see): create with
// labels, edit labels, delete with confirmation.
import { FormGroup, HelperText, HelperTextItem, TextInput } from "@patternfly/react-core";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { del, post, put } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import type { NamespaceItem } from "../api/types.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { KeyValueEditor, toMap, toRows } from "../components/KeyValueEditor.tsx";
import { LabelList } from "../components/LabelList.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { age } from "../lib/format.ts";
import { CREATED, kind, type RowDialogProps, type ToolbarDialogProps } from "./types.ts";

/** A DNS label (RFC 1123), as Kubernetes requires of a namespace name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function CreateNamespace({ params, onClose }: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [rows, setRows] = useState(toRows({}));
  const valid = DNS_LABEL.test(name) && name.length <= 63;
  return (
    <FormDialog
      title={t("namespace.create")}
      submitLabel={t("common.create")}
      canSubmit={valid}
      onClose={onClose}
      onSubmit={() => post(paths.namespaces(params.cluster!), { name, labels: toMap(rows) })}
    >
      <FormGroup label={t("common.name")} fieldId="ns-name" isRequired>
        <TextInput id="ns-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={name && !valid ? "error" : "default"} />
        <HelperText>
          <HelperTextItem variant={name && !valid ? "error" : "default"}>{t("common.dnsLabelHelp")}</HelperTextItem>
        </HelperText>
      </FormGroup>
      <FormGroup label={t("common.labels")} fieldId="ns-labels" role="group">
        <KeyValueEditor id="ns-labels" rows={rows} onChange={setRows} />
      </FormGroup>
    </FormDialog>
  );
}

function EditLabels({ item, params, onClose }: RowDialogProps<NamespaceItem>) {
  const { t } = useTranslation();
  const [rows, setRows] = useState(toRows(item.labels));
  return (
    <FormDialog
      title={t("namespace.editLabelsOf", { name: item.name })}
      submitLabel={t("common.save")}
      onClose={onClose}
      onSubmit={() => put(paths.namespaceLabels(params.cluster!, item.name), { labels: toMap(rows) })}
    >
      <FormGroup label={t("common.labels")} fieldId="ns-labels" role="group">
        <KeyValueEditor id="ns-labels" rows={rows} onChange={setRows} />
      </FormGroup>
    </FormDialog>
  );
}

function DeleteNamespace({ item, params, onClose }: RowDialogProps<NamespaceItem>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t("namespace.deleteTitle", { name: item.name })}
      body={<Trans i18nKey="namespace.deleteBody" values={{ name: item.name }} components={{ b: <strong /> }} />}
      confirmLabel={t("common.delete")}
      typeToConfirm={item.name}
      onClose={onClose}
      onConfirm={() => del(paths.namespace(params.cluster!, item.name))}
    />
  );
}

export const namespaceKind = kind<NamespaceItem>({
  kind: "Namespace",
  title: "nav.namespaces",
  path: (p) => (p.cluster ? paths.namespaces(p.cluster) : undefined),
  key: (n) => n.name,
  link: (n, p) => (p.cluster ? `/clusters/${encodeURIComponent(p.cluster)}/namespaces/${encodeURIComponent(n.name)}` : undefined),
  where: (n, p) => ({ cluster: p.cluster, namespace: n.name }),
  defaultSort: { by: "name", dir: "asc" },
  search: true,
  labelSelector: true,
  // The cache's namespace status column: status.phase.
  filters: [
    {
      id: "status",
      title: "common.status",
      type: "select",
      options: [
        { value: "Active", label: "status.Active" },
        { value: "Terminating", label: "status.Terminating" },
      ],
    },
  ],
  columns: [
    { id: "name", title: "common.name", sortKey: "name", width: 25, render: (n) => n.name },
    { id: "status", title: "common.status", sortKey: "status", render: (n) => <StatusLabel status={n.status} /> },
    { id: "labels", title: "common.labels", width: 40, render: (n) => <LabelList labels={n.labels} /> },
    { id: "age", title: "common.age", sortKey: CREATED, render: (n) => age(n.creationTimestamp) },
  ],
  toolbarActions: [{ id: "create", label: "namespace.create", action: "namespaces.create", dialog: CreateNamespace }],
  rowActions: [
    { id: "labels", label: "namespace.editLabels", action: "namespace.edit", applies: (n) => n.status !== "Terminating", dialog: EditLabels },
    { id: "delete", label: "common.delete", action: "namespace.delete", danger: true, applies: (n) => n.status !== "Terminating", dialog: DeleteNamespace },
  ],
});
