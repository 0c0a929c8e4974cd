// Create a workload by form: a wizard of basic information, the container,
// a Service and advanced settings, then a review of the YAML it makes. Create
// sends each object with dryRun=All first, so the member's field errors show
// before anything is stored, then creates the workload and its Service.
// The same wizard edits an existing Deployment or StatefulSet
// (…/{kind}/{name}/form): it opens filled from the object, its kind, name and
// namespace fixed and without the Service step; the form's changes are merged
// into the object as read (apps/formEdit.ts), which is dry-run, shown as a
// diff, and only then replaced (apps/FormEditReview.tsx).
import {
  Breadcrumb,
  BreadcrumbItem,
  Form,
  PageSection,
  Title,
  Wizard,
  WizardStep,
} from "@patternfly/react-core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { stringify } from "yaml";
import { appRoutes, type KObject, writeYaml } from "../api/apps.ts";
import { EditReview, type EditTarget, editableYaml, useEditedObject, writeMerged } from "../apps/FormEditReview.tsx";
import { formOf, mergeForm } from "../apps/formEdit.ts";
import { AdvancedStep, BasicStep, ContainerStep, ServiceStep, validName } from "../apps/FormSteps.tsx";
import { type AppForm, emptyForm, objectsOf, PLURAL, portsOf } from "../apps/formModel.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { PageLoading } from "../components/PageLoading.tsx";

export default function CreateFormPage() {
  const params = useParams() as { cluster: string; kind: string; namespace?: string; name?: string };
  const namespace = useSearchParams()[0].get("namespace") ?? "";
  const target: EditTarget | undefined =
    params.name === undefined
      ? undefined
      : { cluster: params.cluster, namespace: params.namespace!, plural: params.kind, name: params.name };
  const original = useEditedObject(target);
  if (!target) {
    const kind = (Object.entries(PLURAL).find(([, p]) => p === params.kind)?.[0] as AppForm["kind"]) ?? "Deployment";
    return <FormWizard cluster={params.cluster} initial={{ ...emptyForm(namespace), kind }} />;
  }
  if (original.error)
    return (
      <PageSection>
        <ErrorAlert error={original.error} />
      </PageSection>
    );
  if (!original.data) return <PageLoading />;
  return <FormWizard cluster={params.cluster} initial={formOf(original.data)} edit={{ target, object: original.data }} />;
}

type Edit = { target: EditTarget; object: KObject };

function FormWizard({ cluster, initial, edit }: { cluster: string; initial: AppForm; edit?: Edit }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [form, setForm] = useState<AppForm>(initial);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [review, setReview] = useState(false);
  // The object the form's changes go into: as read, or as read again after a Conflict (writeMerged).
  const [base, setBase] = useState(edit?.object);
  const set = (f: Partial<AppForm>) => setForm((x) => ({ ...x, ...f }));
  const props = { form, set, cluster, editing: !!edit };
  const basicOk =
    validName(form.name) && !!form.namespace && (form.kind === "DaemonSet" || /^\d+$/.test(form.replicas));
  const containerOk = !!form.image.trim();
  const serviceOk = !form.service.enabled || !!(form.service.port || portsOf(form).length);
  const { workload, service } = objectsOf(form);
  const before = base ? editableYaml(base) : "";
  const yaml = base
    ? editableYaml(mergeForm(base, initial, form))
    : [workload, service]
        .filter(Boolean)
        .map((o) => stringify(o))
        .join("---\n");
  const title = edit ? t("formEdit.title", { name: form.name }) : t("apps.createForm");

  // Edit: the dry run, then the diff to review; Apply replaces the object.
  const save = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      setBase(await writeMerged(edit!.target, base!, (o) => mergeForm(o, initial, form), dryRun));
      if (dryRun) setReview(true);
      else {
        notify("success", t("apps.saved", { name: form.name }));
        void client.invalidateQueries();
        navigate(appRoutes.workload(cluster, form.namespace, PLURAL[form.kind], form.name, "revisions"));
      }
    } catch (e) {
      setError(e);
      setReview(false);
    } finally {
      setBusy(false);
    }
  };

  const create = async () => {
    setBusy(true);
    setError(undefined);
    const send = (o: any, dryRun: boolean) =>
      writeYaml(
        cluster,
        form.namespace,
        o.kind === "Service" ? "services" : PLURAL[form.kind],
        stringify(o),
        { dryRun },
      );
    try {
      for (const o of [workload, service].filter(Boolean)) await send(o, true);
      await send(workload, false);
      if (service) await send(service, false);
      notify("success", t("apps.created", { name: form.name }));
      void client.invalidateQueries();
      navigate(appRoutes.workload(cluster, form.namespace, PLURAL[form.kind], form.name));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem
            render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>}
          />
          <BreadcrumbItem
            render={() => (
              <Link to={appRoutes.workloads(cluster, "deployments", form.namespace || undefined)}>
                {t("apps.workloads")}
              </Link>
            )}
          />
          {edit && (
            <BreadcrumbItem
              render={() => (
                <Link to={appRoutes.workload(cluster, form.namespace, PLURAL[form.kind], form.name)}>{form.name}</Link>
              )}
            />
          )}
          <BreadcrumbItem isActive>{edit ? t("formEdit.crumb") : t("apps.createForm")}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{title}</Title>
      </PageSection>
      <PageSection>
        <Wizard onClose={() => navigate(-1)} onSave={edit ? () => save(true) : create} height={640} navAriaLabel={t("apps.form.steps")}>
          <WizardStep name={t("apps.form.basic")} id="basic" footer={{ isNextDisabled: !basicOk }}>
            <Form>
              <BasicStep {...props} />
            </Form>
          </WizardStep>
          <WizardStep
            name={t("apps.form.container")}
            id="container"
            isDisabled={!basicOk}
            footer={{ isNextDisabled: !containerOk }}
          >
            <Form>
              <ContainerStep {...props} />
            </Form>
          </WizardStep>
          {!edit && (
            <WizardStep
              name={t("apps.form.service")}
              id="service"
              isDisabled={!basicOk || !containerOk}
              footer={{ isNextDisabled: !serviceOk }}
            >
              <Form>
                <ServiceStep {...props} />
              </Form>
            </WizardStep>
          )}
          <WizardStep
            name={t("apps.form.advanced")}
            id="advanced"
            isDisabled={!basicOk || !containerOk || !serviceOk}
          >
            <Form>
              <AdvancedStep {...props} />
            </Form>
          </WizardStep>
          <WizardStep
            name={t("apps.form.review")}
            id="review"
            isDisabled={!basicOk || !containerOk || !serviceOk}
            footer={{
              nextButtonText: edit ? t("apps.reviewSave") : t("common.create"),
              isNextDisabled: busy,
              nextButtonProps: { isLoading: busy },
            }}
          >
            <p className="pf-v6-u-mb-sm">{edit ? t("formEdit.reviewHelp") : t("apps.form.reviewHelp")}</p>
            <pre
              data-testid="form-yaml"
              className="pf-v6-u-font-family-monospace pf-v6-u-font-size-sm"
              style={{
                border: "1px solid var(--pf-t--global--border--color--default)",
                padding: "0.5rem",
                maxHeight: "24rem",
                overflow: "auto",
              }}
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard
              tabIndex={0}
            >
              {yaml}
            </pre>
            {error !== undefined && <FieldErrors error={error} />}
          </WizardStep>
        </Wizard>
      </PageSection>
      {review && edit && (
        <EditReview
          name={form.name}
          before={before}
          after={yaml}
          busy={busy}
          onApply={() => save(false)}
          onClose={() => setReview(false)}
        />
      )}
    </>
  );
}
