// The dialog every create form of the resource pages shares: the object's
// name and namespace, the kind's own fields, and the write. The object is
// sent with dryRun=All first (createChecked), so the member's validation
// answers before anything is stored; its field errors are listed in the
// dialog (FieldErrors) and each is also shown under the field it names
// (FieldCauses), and the dialog stays open for the fix.
import { FormGroup, FormHelperText, HelperText, HelperTextItem, TextInput } from "@patternfly/react-core";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/ApiError.ts";
import type { KObject } from "../api/apps.ts";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { useNotify } from "../components/Notifications.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { createChecked, useWriteError } from "./write.ts";

/** What the kind's fields may depend on: the namespace picked and the last write's error. */
export type FormState = { namespace: string | undefined; error: unknown };

type Props = ToolbarDialogProps & {
  title: string;
  /** Prefix of the fields' ids ("cm" gives cm-name, cm-namespace). */
  id: string;
  plural: string;
  /** The object to create, of the name (trimmed) and namespace given. */
  object: (name: string, namespace: string) => KObject;
  /** Whether the kind's own fields are complete (name and namespace are checked here). */
  canSubmit?: boolean;
  children: (state: FormState) => ReactNode;
};

export function CreateDialog({ params, onClose, title, id, plural, object, canSubmit = true, children }: Props) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [name, setName] = useState("");
  const [namespace, setNamespace] = useState(params.namespace);
  const { error, checked } = useWriteError();
  return (
    <FormDialog
      title={title}
      submitLabel={t("common.create")}
      canSubmit={canSubmit && !!name.trim() && !!namespace}
      onClose={onClose}
      closeOnSuccess={false}
      onSubmit={() =>
        checked(async () => {
          await createChecked(params.cluster!, namespace!, plural, object(name.trim(), namespace!));
          notify("success", t("apps.created", { name: name.trim() }));
          onClose();
        })
      }
    >
      <FormGroup label={t("common.name")} fieldId={`${id}-name`} isRequired>
        <TextInput id={`${id}-name`} isRequired value={name} onChange={(_e, v) => setName(v)} />
        <FieldCauses error={error} fields={["metadata.name"]} />
      </FormGroup>
      <FormGroup label={t("common.namespace")} fieldId={`${id}-namespace`} isRequired>
        <NamespacePicker id={`${id}-namespace`} cluster={params.cluster!} value={namespace} all={false} onChange={setNamespace} />
      </FormGroup>
      {children({ namespace, error })}
      {error !== undefined && <FieldErrors error={error} />}
    </FormDialog>
  );
}

/** Whether the member's field path `field` is `prefix` or lies under it (a key, an index or a subfield). */
export const under = (field: string, prefix: string) =>
  field === prefix || field.startsWith(`${prefix}[`) || field.startsWith(`${prefix}.`);

/** The member's field errors about `fields` (and what lies under them), under the form's field. */
export function FieldCauses({ error, fields }: { error: unknown; fields: string[] }) {
  if (!(error instanceof ApiError)) return null;
  const causes = error.causes.filter((c) => c.field && fields.some((f) => under(c.field!, f)));
  if (!causes.length) return null;
  return (
    <FormHelperText>
      <HelperText data-testid="field-causes">
        {causes.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: causes of one answer
          <HelperTextItem key={i} variant="error">
            {c.field}: {c.message}
          </HelperTextItem>
        ))}
      </HelperText>
    </FormHelperText>
  );
}

/** A kind's field with its label and the member's errors about it. */
export function Field(props: { label: string; id: string; error: unknown; fields: string[]; isRequired?: boolean; children: ReactNode }) {
  return (
    <FormGroup label={props.label} fieldId={props.id} isRequired={props.isRequired}>
      {props.children}
      <FieldCauses error={props.error} fields={props.fields} />
    </FormGroup>
  );
}
