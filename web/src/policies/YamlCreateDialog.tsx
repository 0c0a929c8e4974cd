// "Create from YAML" for a namespace's NetworkPolicies, ResourceQuotas and
// LimitRanges: the object in the YAML editor, sent to the member (as the
// user) first with dryRun=All, so its validation answers before anything is
// stored, then for real.
import { Alert, FormGroup } from "@patternfly/react-core";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { parse } from "yaml";
import { api } from "../api/client.ts";
import { type NsResource, policyPaths } from "../api/policies.ts";
import { FormDialog } from "../components/FormDialog.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { kindOfResource, objectTemplate } from "./templates.ts";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

function YamlCreate({ resource, params, onClose }: ToolbarDialogProps & { resource: NsResource }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => objectTemplate(resource, `my-${kindOfResource(resource).toLowerCase()}`));
  const [checked, setChecked] = useState(false);
  const submit = async () => {
    let body: unknown;
    try {
      body = parse(text);
    } catch (e) {
      throw new Error(t("policies.ns.badYaml", { message: (e as Error).message }));
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error(t("policies.ns.badYaml", { message: "" }));
    const path = policyPaths.nsList(params.cluster!, params.namespace!, resource);
    await api("POST", path, { body, query: { dryRun: "All" } });
    setChecked(true);
    await api("POST", path, { body });
  };
  return (
    <FormDialog
      title={t("policies.ns.createTitle", { kind: kindOfResource(resource), namespace: params.namespace })}
      submitLabel={t("common.create")}
      onClose={onClose}
      onSubmit={submit}
      variant="large"
    >
      <FormGroup label={t("policies.ns.yaml")} fieldId="ns-policy-yaml">
        <Suspense fallback={<PageLoading />}>
          <CodeEditor
            value={text}
            onChange={(v) => {
              setText(v);
              setChecked(false);
            }}
            label={t("policies.ns.yaml")}
            height="18rem"
          />
        </Suspense>
      </FormGroup>
      {checked && <Alert isInline isPlain variant="info" title={t("policies.ns.dryRunPassed")} />}
    </FormDialog>
  );
}

/** The toolbar dialogs of the three kinds (components of their own, as the shared list renders them). */
export const YAML_CREATE: Record<NsResource, (p: ToolbarDialogProps) => React.JSX.Element> = {
  networkpolicies: (p) => <YamlCreate resource="networkpolicies" {...p} />,
  resourcequotas: (p) => <YamlCreate resource="resourcequotas" {...p} />,
  limitranges: (p) => <YamlCreate resource="limitranges" {...p} />,
};
