// Create a ConfigMap from a form: its name, namespace and key/value pairs.
// The object is sent with dryRun=All first, so the member's validation (a key
// that is not a valid ConfigMap key, a name taken) answers before anything is
// stored; its field errors are listed in the dialog, field by field.
import { FormGroup, TextInput } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { KeyValueEditor, type Row } from "../components/KeyValueEditor.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { createChecked, useWriteError } from "./write.ts";

export function ConfigMapForm({ params, onClose }: ToolbarDialogProps) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [name, setName] = useState("");
  const [namespace, setNamespace] = useState(params.namespace);
  const [rows, setRows] = useState<Row[]>([{ key: "", value: "" }]);
  const { error, checked } = useWriteError();
  // Values are kept as typed (a ConfigMap value may carry spaces and newlines); keys are trimmed.
  const data = Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value]));
  return (
    <FormDialog
      title={t("resources.configMapForm.title")}
      submitLabel={t("common.create")}
      canSubmit={!!name.trim() && !!namespace}
      onClose={onClose}
      closeOnSuccess={false}
      onSubmit={() =>
        checked(async () => {
          await createChecked(params.cluster!, namespace!, "configmaps", {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: name.trim(), namespace },
            data,
          });
          notify("success", t("apps.created", { name: name.trim() }));
          onClose();
        })
      }
    >
      <FormGroup label={t("common.name")} fieldId="cm-name" isRequired>
        <TextInput id="cm-name" isRequired value={name} onChange={(_e, v) => setName(v)} />
      </FormGroup>
      <FormGroup label={t("common.namespace")} fieldId="cm-namespace" isRequired>
        <NamespacePicker id="cm-namespace" cluster={params.cluster!} value={namespace} all={false} onChange={setNamespace} />
      </FormGroup>
      <FormGroup label={t("resources.configMapForm.data")} fieldId="cm-data">
        <KeyValueEditor id="cm-data" rows={rows} onChange={setRows} addLabel={t("resources.configMapForm.add")} />
      </FormGroup>
      {error !== undefined && <FieldErrors error={error} />}
    </FormDialog>
  );
}
