// One custom resource as YAML: viewed, edited, or created. Every write is
// first sent with dryRun=All, so the member's validation (the CRD's schema)
// answers before anything is stored, its field errors listed and marked on
// their lines. An edit then shows the diff between the object as read and as
// it will be written, and only "Apply" replaces it (with the resourceVersion
// read, so a change made meanwhile is refused). Edit, create and delete are
// offered only where GET /me allows them (kinds/crds.tsx crWrite).
import { Alert, Breadcrumb, BreadcrumbItem, Button, Flex, FlexItem, FormGroup, PageSection, Title } from "@patternfly/react-core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { lazy, Suspense, useMemo, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { parse, stringify } from "yaml";
import { ApiError } from "../api/ApiError.ts";
import type { KObject } from "../api/apps.ts";
import { del, get } from "../api/client.ts";
import { type Crd, type CrWhere, crPaths, crRoutes, writeCr } from "../api/crs.ts";
import { useCan } from "../api/me.ts";
import { EditReview } from "../apps/FormEditReview.tsx";
import { problemsOf } from "../apps/yamlProblems.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { useCrd, whereOf } from "../crs/useCrd.ts";
import { crWrite } from "../kinds/crds.tsx";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

/** The object as shown and edited: without managedFields (its status stays: without a status subresource a PUT replaces it too). */
function shown(o: KObject): string {
  const { cluster: _c, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return stringify({ ...rest, metadata });
}

const template = (crd: Crd, w: CrWhere) =>
  stringify({
    apiVersion: `${w.group}/${w.version}`,
    kind: crd.spec.names.kind,
    metadata: { name: "", ...(w.namespace ? { namespace: w.namespace } : {}) },
    spec: {},
  });

/** The object named by the text, or why it cannot be written. */
function target(text: string, crd: Crd, t: TFunction): { name: string; namespace?: string } {
  let o: KObject;
  try {
    o = parse(text) as KObject;
  } catch (e) {
    throw new Error(t("apps.yamlInvalid", { message: (e as Error).message }));
  }
  if (!o || typeof o !== "object") throw new Error(t("apps.yamlNoKind"));
  if (o.kind && o.kind !== crd.spec.names.kind) throw new Error(t("crs.wrongKind", { found: o.kind, kind: crd.spec.names.kind }));
  if (!o.metadata?.name) throw new Error(t("apps.yamlNoName"));
  return { name: o.metadata.name, namespace: o.metadata.namespace };
}

export default function CrYamlPage() {
  const { cluster, crd: crdName, name } = useParams() as { cluster: string; crd: string; name?: string };
  const [search] = useSearchParams();
  const crd = useCrd(cluster, crdName);
  if (crd.error)
    return (
      <PageSection>
        <ErrorAlert error={crd.error} />
      </PageSection>
    );
  if (!crd.data) return <PageLoading />;
  const w = whereOf(crd.data, cluster, search.get("version"), search.get("namespace"));
  return <CrYaml crd={crd.data} w={w} name={name} />;
}

function CrYaml({ crd, w, name }: { crd: Crd; w: CrWhere; name?: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const notify = useNotify();
  const navigate = useNavigate();
  const client = useQueryClient();
  const creating = name === undefined;
  const original = useQuery<string, ApiError>({
    queryKey: ["crYaml", w, name],
    enabled: !creating,
    queryFn: async ({ signal }) => shown(await get<KObject>(crPaths.json(w, name!), undefined, signal)),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [picked, setPicked] = useState(w.namespace);
  const [editing, setEditing] = useState(creating);
  const [text, setText] = useState<string>();
  const current = text ?? (creating ? template(crd, { ...w, namespace: picked }) : (original.data ?? ""));
  const [error, setError] = useState<unknown>();
  const [valid, setValid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [review, setReview] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const problems = useMemo(() => (error instanceof ApiError ? problemsOf(current, error.causes) : []), [error, current]);
  const write = crWrite(crd, w.cluster, w.namespace);
  const mayWrite = can(write.action, write.where);
  const kind = crd.spec.names.kind;
  const list = crRoutes.objects(w.cluster, crd.metadata.name, { namespace: w.namespace, version: w.version });

  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    setValid(false);
    try {
      await step();
    } catch (e) {
      setError(e);
      setReview(false);
    } finally {
      setBusy(false);
    }
  };
  const send = (dryRun: boolean) => {
    const tg = target(current, crd, t);
    const namespace = crd.spec.scope === "Namespaced" ? (tg.namespace ?? picked) : undefined;
    if (crd.spec.scope === "Namespaced" && !namespace) throw new Error(t("apps.pickNamespaceFirst"));
    return writeCr({ ...w, namespace }, current, { name: creating ? undefined : name, dryRun }).then(() => ({ ...tg, namespace }));
  };
  const validate = () =>
    run(async () => {
      await send(true);
      setValid(true);
    });
  const cancel = () => {
    if (creating) return navigate(-1);
    setEditing(false);
    setText(undefined);
    setError(undefined);
  };
  const submit = () =>
    run(async () => {
      await send(true);
      if (!creating) return setReview(true);
      const done = await send(false);
      void client.invalidateQueries();
      notify("success", t("apps.created", { name: done.name }));
      navigate(crRoutes.objects(w.cluster, crd.metadata.name, { namespace: done.namespace, version: w.version }));
    });
  const apply = () =>
    run(async () => {
      await send(false);
      notify("success", t("apps.saved", { name }));
      setReview(false);
      setEditing(false);
      setText(undefined);
      await client.invalidateQueries();
      await original.refetch();
    });

  const title = creating ? t("crs.createTitle", { kind }) : editing ? t("crs.editTitle", { name }) : t("crs.viewTitle", { kind, name });
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(w.cluster)}`}>{w.cluster}</Link>} />
          <BreadcrumbItem render={() => <Link to={crRoutes.crds(w.cluster)}>{t("crs.title")}</Link>} />
          <BreadcrumbItem render={() => <Link to={list}>{crd.metadata.name}</Link>} />
          <BreadcrumbItem isActive>{creating ? t("crs.createYaml") : name}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{title}</Title>
      </PageSection>
      <PageSection>
        {creating && crd.spec.scope === "Namespaced" && (
          <FormGroup label={t("common.namespace")} fieldId="cr-namespace" className="pf-v6-u-mb-md">
            <NamespacePicker id="cr-namespace" cluster={w.cluster} value={picked} all={false} onChange={setPicked} />
          </FormGroup>
        )}
        {original.error && <ErrorAlert error={original.error} />}
        {!creating && !original.data && !original.error && <PageLoading />}
        {(creating || original.data) && (
          <Suspense fallback={<PageLoading />}>
            <CodeEditor
              key={editing ? "edit" : "view"}
              value={current}
              onChange={setText}
              problems={problems}
              readOnly={!editing}
              label={t("apps.yamlEditor")}
            />
          </Suspense>
        )}
        {error !== undefined && <FieldErrors error={error} />}
        {valid && <Alert className="pf-v6-u-mt-md" variant="success" isInline title={t("apps.dryRunOk")} data-testid="dry-run-ok" />}
        <Flex className="pf-v6-u-mt-md" gap={{ default: "gapSm" }}>
          {editing ? (
            <>
              <FlexItem>
                <Button onClick={submit} isDisabled={busy || !current.trim()} isLoading={busy && !review}>
                  {creating ? t("common.create") : t("apps.reviewSave")}
                </Button>
              </FlexItem>
              <FlexItem>
                <Button variant="secondary" onClick={validate} isDisabled={busy || !current.trim()}>
                  {t("apps.validate")}
                </Button>
              </FlexItem>
              <FlexItem>
                <Button variant="link" onClick={cancel}>
                  {t("common.cancel")}
                </Button>
              </FlexItem>
            </>
          ) : (
            mayWrite &&
            original.data && (
              <>
                <FlexItem>
                  <Button onClick={() => setEditing(true)}>{t("crs.edit")}</Button>
                </FlexItem>
                <FlexItem>
                  <Button variant="danger" onClick={() => setDeleting(true)}>
                    {t("common.delete")}
                  </Button>
                </FlexItem>
              </>
            )
          )}
        </Flex>
      </PageSection>
      {review && (
        <EditReview name={name!} before={original.data ?? ""} after={current} busy={busy} onApply={apply} onClose={() => setReview(false)} />
      )}
      {deleting && (
        <ConfirmDialog
          title={t("crs.deleteTitle", { name })}
          body={<Trans i18nKey="crs.deleteBody" values={{ name, kind }} components={{ b: <strong /> }} />}
          confirmLabel={t("common.delete")}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await del(crPaths.object(w, name!));
            notify("success", t("crs.deleted", { name }));
            void client.invalidateQueries();
            navigate(list);
          }}
        />
      )}
    </>
  );
}
