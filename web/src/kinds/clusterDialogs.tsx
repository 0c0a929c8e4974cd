// Dialogs on a cluster: edit labels, edit alias, remove (by typing its name).
import { FormGroup, TextInput } from "@patternfly/react-core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { del, put } from "../api/client.ts";
import { download } from "../api/download.ts";
import { meKey } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { KeyValueEditor, toMap, toRows } from "../components/KeyValueEditor.tsx";

type Props = { cluster: string; onClose: () => void; onDone?: () => void };

export function EditClusterLabels({ cluster, labels, onClose }: Props & { labels: Record<string, string> | undefined }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [rows, setRows] = useState(toRows(labels));
  return (
    <FormDialog
      title={t("cluster.editLabelsOf", { name: cluster })}
      submitLabel={t("common.save")}
      onClose={onClose}
      onSubmit={async () => {
        await put(paths.clusterLabels(cluster), { labels: toMap(rows) });
        await client.invalidateQueries();
      }}
    >
      <FormGroup label={t("common.labels")} fieldId="cluster-labels" role="group">
        <KeyValueEditor id="cluster-labels" rows={rows} onChange={setRows} />
      </FormGroup>
    </FormDialog>
  );
}

export function EditClusterAlias({ cluster, alias, onClose }: Props & { alias: string | undefined }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [value, setValue] = useState(alias ?? "");
  return (
    <FormDialog
      title={t("cluster.editAliasOf", { name: cluster })}
      submitLabel={t("common.save")}
      variant="small"
      onClose={onClose}
      onSubmit={async () => {
        await put(paths.cluster(cluster), { alias: value.trim() });
        await client.invalidateQueries();
      }}
    >
      <FormGroup label={t("cluster.alias")} fieldId="cluster-alias">
        <TextInput id="cluster-alias" value={value} onChange={(_e, v) => setValue(v)} />
      </FormGroup>
    </FormDialog>
  );
}

/** Removal by typing the name; `onRemoving` tells the page it is under way (true) or failed (false). */
export function RemoveCluster({ cluster, onClose, onRemoving, onDone }: Props & { onRemoving?: (on: boolean) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  return (
    <ConfirmDialog
      title={t("cluster.removeTitle", { name: cluster })}
      body={<Trans i18nKey="cluster.removeBody" values={{ name: cluster }} components={{ b: <strong /> }} />}
      confirmLabel={t("cluster.remove")}
      typeToConfirm={cluster}
      onClose={onClose}
      onConfirm={async () => {
        // The cluster's page stops reading it (it is soon gone: 404), and is left once it is.
        onRemoving?.(true);
        try {
          await del(paths.cluster(cluster));
        } catch (e) {
          onRemoving?.(false);
          throw e;
        }
        onDone?.();
        await client.invalidateQueries({ queryKey: meKey });
        await client.invalidateQueries({ queryKey: ["list"] });
      }}
    />
  );
}

/** The caller's kubeconfig for a cluster, through kpanda's proxy (24 h unless asked). */
export function downloadKubeconfig(cluster: string, expirationSeconds?: number): Promise<void> {
  return download(paths.clusterKubeconfig(cluster), { expirationSeconds }, `${cluster}.kubeconfig`);
}
