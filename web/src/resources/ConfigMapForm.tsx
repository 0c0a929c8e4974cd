// Create a ConfigMap from a form: its name, namespace and key/value pairs,
// through the shared create dialog (a dry run first; the member's field
// errors listed and shown under their fields, the dialog left open).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { KeyValueEditor, type Row, toData } from "../components/KeyValueEditor.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { CreateDialog, Field } from "./CreateDialog.tsx";

export function ConfigMapForm(props: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>([{ key: "", value: "" }]);
  return (
    <CreateDialog
      {...props}
      title={t("resources.configMapForm.title")}
      id="cm"
      plural="configmaps"
      object={(name, namespace) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data: toData(rows) })}
    >
      {({ error }) => (
        <Field label={t("resources.configMapForm.data")} id="cm-data" error={error} fields={["data"]}>
          <KeyValueEditor id="cm-data" rows={rows} onChange={setRows} addLabel={t("resources.configMapForm.add")} />
        </Field>
      )}
    </CreateDialog>
  );
}
