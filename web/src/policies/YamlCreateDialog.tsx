// "Create from YAML" and "Edit YAML" for a namespace's NetworkPolicies,
// ResourceQuotas and LimitRanges: the object in the YAML editor, sent to the
// member (as the user) first with dryRun=All, so its validation answers
// before anything is stored, then for real. An edit starts from the object
// as the member serves it (without status and managedFields) and is a PUT
// with the resourceVersion read, so a change made meanwhile is refused
// (409), not overwritten.
import { Alert, FormGroup } from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { parse, stringify } from "yaml";
import type { ApiError } from "../api/ApiError.ts";
import { api, get } from "../api/client.ts";
import { type NsResource, policyPaths } from "../api/policies.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import type { Params, RowDialogProps, ToolbarDialogProps } from "../kinds/types.ts";
import type { NsObject } from "./nsKinds.tsx";
import { kindOfResource, objectTemplate } from "./templates.ts";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

type Props = { resource: NsResource; params: Params; onClose: () => void; name?: string; initial: string };

function YamlDialog({ resource, params, onClose, name, initial }: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  const [checked, setChecked] = useState(false);
  const submit = async () => {
    let body: unknown;
    try {
      body = parse(text);
    } catch (e) {
      throw new Error(t("policies.ns.badYaml", { message: (e as Error).message }));
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Error(t("policies.ns.badYaml", { message: "" }));
    const { cluster, namespace } = params as Required<Params>;
    const [method, path] = name ? ["PUT", policyPaths.nsItem(cluster, namespace, resource, name)] : ["POST", policyPaths.nsList(cluster, namespace, resource)];
    await api(method, path, { body, query: { dryRun: "All" } });
    setChecked(true);
    await api(method, path, { body });
  };
  const kind = kindOfResource(resource);
  return (
    <FormDialog
      title={name ? t("policies.ns.editTitle", { kind, name }) : t("policies.ns.createTitle", { kind, namespace: params.namespace })}
      submitLabel={name ? t("common.save") : t("common.create")}
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

function YamlCreate({ resource, params, onClose }: ToolbarDialogProps & { resource: NsResource }) {
  const initial = objectTemplate(resource, `my-${kindOfResource(resource).toLowerCase()}`);
  return <YamlDialog resource={resource} params={params} onClose={onClose} initial={initial} />;
}

/** The object as it is edited: without what the member manages. */
function editable(o: Record<string, any>): string {
  const { status: _s, cluster: _c, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata ?? {};
  return stringify({ ...rest, metadata });
}

function YamlEdit({ resource, item, params, onClose }: RowDialogProps<NsObject> & { resource: NsResource }) {
  const name = item.metadata.name;
  const q = useQuery<string, ApiError>({
    queryKey: ["nsPolicyEdit", params.cluster, params.namespace, resource, name],
    queryFn: async ({ signal }) => editable(await get(policyPaths.nsItem(params.cluster!, params.namespace!, resource, name), undefined, signal)),
    staleTime: 0,
    gcTime: 0,
  });
  if (q.error) return <ErrorDialog error={q.error} onClose={onClose} />;
  if (q.data === undefined) return null;
  return <YamlDialog resource={resource} params={params} onClose={onClose} name={name} initial={q.data} />;
}

function ErrorDialog({ error, onClose }: { error: unknown; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <FormDialog title={t("error.generic")} submitLabel={t("common.close")} onClose={onClose} onSubmit={async () => {}}>
      <ErrorAlert error={error} />
    </FormDialog>
  );
}

/** The toolbar dialogs of the three kinds (components of their own, as the shared list renders them). */
export const YAML_CREATE: Record<NsResource, (p: ToolbarDialogProps) => React.JSX.Element> = {
  networkpolicies: (p) => <YamlCreate resource="networkpolicies" {...p} />,
  resourcequotas: (p) => <YamlCreate resource="resourcequotas" {...p} />,
  limitranges: (p) => <YamlCreate resource="limitranges" {...p} />,
};

export const YAML_EDIT: Record<NsResource, (p: RowDialogProps<NsObject>) => React.JSX.Element> = {
  networkpolicies: (p) => <YamlEdit resource="networkpolicies" {...p} />,
  resourcequotas: (p) => <YamlEdit resource="resourcequotas" {...p} />,
  limitranges: (p) => <YamlEdit resource="limitranges" {...p} />,
};
