// Create or edit an object as YAML. Every write is first sent with
// dryRun=All, so the member's validation answers before anything is stored:
// its field errors are listed and marked on their lines in the editor. An
// edit then shows the diff between the object as it was read and as it will
// be written, and only "Apply" replaces it (with the resourceVersion read,
// so a change made meanwhile is refused, not overwritten).
import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Flex,
  FlexItem,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Title,
} from "@patternfly/react-core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createTwoFilesPatch } from "diff";
import type { TFunction } from "i18next";
import { lazy, Suspense, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { parse, stringify } from "yaml";
import { ApiError } from "../api/ApiError.ts";
import { appPaths, appRoutes, type KObject, PLURAL_OF_KIND, workloadKind, writeYaml } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { problemsOf } from "../apps/yamlProblems.ts";
import { DiffView } from "../components/DiffView.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { isResource, kindLabelKey, listRouteOf, sectionKey, templateOf } from "../resources/model.ts";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

/** The object as it is edited: without what the member manages (managedFields, status). */
function editable(o: KObject): string {
  const { status: _s, cluster: _c, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return stringify({ ...rest, metadata });
}

type Parsed = { object?: KObject; plural?: string; error?: string };

function parseText(text: string, t: TFunction): Parsed {
  let object: KObject;
  try {
    object = parse(text) as KObject;
  } catch (e) {
    return { error: t("apps.yamlInvalid", { message: (e as Error).message }) };
  }
  if (!object || typeof object !== "object" || !object.kind) return { error: t("apps.yamlNoKind") };
  const plural = PLURAL_OF_KIND[object.kind];
  if (!plural) return { error: t("apps.yamlKindUnsupported", { kind: object.kind }) };
  if (!object.metadata?.name) return { error: t("apps.yamlNoName") };
  return { object, plural };
}

export default function YamlEditPage() {
  const { t } = useTranslation();
  const notify = useNotify();
  const navigate = useNavigate();
  const client = useQueryClient();
  const params = useParams() as { cluster: string; kind: string; namespace?: string; name?: string };
  const { cluster, name } = params;
  const editing = name !== undefined;
  const [picked, setPicked] = useState<string | undefined>(
    useSearchParams()[0].get("namespace") ?? params.namespace,
  );
  const original = useQuery<string, ApiError>({
    queryKey: ["yamlEdit", cluster, params.namespace, params.kind, name],
    enabled: editing,
    queryFn: async ({ signal }) =>
      editable(
        await get<KObject>(appPaths.json(cluster, params.namespace!, params.kind, name!), undefined, signal),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const initial = useMemo(
    () => (editing ? original.data : templateOf(params.kind, picked)),
    [editing, original.data, params.kind, picked],
  );
  const [text, setText] = useState<string>();
  const current = text ?? initial ?? "";
  const [error, setError] = useState<unknown>();
  const [valid, setValid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [review, setReview] = useState(false);
  const problems = useMemo(
    () => (error instanceof ApiError ? problemsOf(current, error.causes) : []),
    [error, current],
  );

  const target = () => {
    const p = parseText(current, t);
    if (p.error) throw new Error(p.error);
    const namespace = p.object!.metadata.namespace ?? picked;
    if (!namespace) throw new Error(t("apps.pickNamespaceFirst"));
    return { namespace, plural: p.plural!, objectName: p.object!.metadata.name };
  };
  const write = async (dryRun: boolean) => {
    const tg = target();
    const o = await writeYaml(cluster, tg.namespace, tg.plural, current, {
      name: editing ? name : undefined,
      dryRun,
    });
    return { ...tg, o };
  };
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
  const validate = () =>
    run(async () => {
      await write(true);
      setValid(true);
    });
  const finish = (tg: { namespace: string; plural: string; objectName: string }) => {
    void client.invalidateQueries();
    notify("success", t(editing ? "apps.saved" : "apps.created", { name: tg.objectName }));
    navigate(
      workloadKind(tg.plural) || isResource(tg.plural)
        ? appRoutes.workload(cluster, tg.namespace, tg.plural, tg.objectName)
        : listRouteOf(cluster, params.kind, tg.namespace),
    );
  };
  // Create: the dry run, then the write. Edit: the dry run, then the diff to review.
  const submit = () =>
    run(async () => {
      await write(true);
      if (editing) return setReview(true);
      finish(await write(false));
    });
  const apply = () => run(async () => finish(await write(false)));

  const title = editing
    ? t("apps.editTitle", { name })
    : t("apps.createTitle", { kind: t(kindLabelKey(params.kind)) });
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem
            render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>}
          />
          <BreadcrumbItem
            render={() => (
              <Link to={listRouteOf(cluster, params.kind, picked)}>{t(sectionKey(params.kind))}</Link>
            )}
          />
          {editing && (
            <BreadcrumbItem
              render={() => (
                <Link to={appRoutes.workload(cluster, params.namespace!, params.kind, name!)}>{name}</Link>
              )}
            />
          )}
          <BreadcrumbItem isActive>{editing ? t("apps.editYaml") : t("apps.createYaml")}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{title}</Title>
      </PageSection>
      <PageSection>
        {!editing && (
          <FormGroup label={t("common.namespace")} fieldId="yaml-namespace" className="pf-v6-u-mb-md">
            <NamespacePicker
              id="yaml-namespace"
              cluster={cluster}
              value={picked}
              all={false}
              onChange={setPicked}
            />
          </FormGroup>
        )}
        {original.error && <ErrorAlert error={original.error} />}
        {editing && !original.data && !original.error && <PageLoading />}
        {(!editing || original.data) && (
          <Suspense fallback={<PageLoading />}>
            <CodeEditor value={current} onChange={setText} problems={problems} label={t("apps.yamlEditor")} />
          </Suspense>
        )}
        {error !== undefined && <FieldErrors error={error} />}
        {valid && (
          <Alert
            className="pf-v6-u-mt-md"
            variant="success"
            isInline
            title={t("apps.dryRunOk")}
            data-testid="dry-run-ok"
          />
        )}
        <Flex className="pf-v6-u-mt-md" gap={{ default: "gapSm" }}>
          <FlexItem>
            <Button onClick={submit} isDisabled={busy || !current.trim()} isLoading={busy && !review}>
              {editing ? t("apps.reviewSave") : t("common.create")}
            </Button>
          </FlexItem>
          <FlexItem>
            <Button variant="secondary" onClick={validate} isDisabled={busy || !current.trim()}>
              {t("apps.validate")}
            </Button>
          </FlexItem>
          <FlexItem>
            <Button variant="link" onClick={() => navigate(-1)}>
              {t("common.cancel")}
            </Button>
          </FlexItem>
        </Flex>
      </PageSection>
      {review && (
        <Modal isOpen variant="large" onClose={() => setReview(false)} aria-labelledby="review-title">
          <ModalHeader
            title={t("apps.reviewTitle", { name })}
            labelId="review-title"
            description={t("apps.reviewHelp")}
          />
          <ModalBody>
            <DiffView
              diff={createTwoFilesPatch(name!, name!, original.data ?? "", current, "", "", { context: 3 })}
              label={t("apps.changes")}
            />
          </ModalBody>
          <ModalFooter>
            <Button onClick={apply} isLoading={busy} isDisabled={busy}>
              {t("apps.apply")}
            </Button>
            <Button variant="link" onClick={() => setReview(false)}>
              {t("common.cancel")}
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </>
  );
}
