// Create a workload by form: a wizard of basic information, the container,
// a Service and advanced settings, then a review of the YAML it makes. Create
// sends each object with dryRun=All first, so the member's field errors show
// before anything is stored, then creates the workload and its Service.
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
import { appRoutes, writeYaml } from "../api/apps.ts";
import { AdvancedStep, BasicStep, ContainerStep, ServiceStep, validName } from "../apps/FormSteps.tsx";
import { type AppForm, emptyForm, objectsOf, PLURAL, portsOf } from "../apps/formModel.ts";
import { FieldErrors } from "../components/FieldErrors.tsx";
import { useNotify } from "../components/Notifications.tsx";

export default function CreateFormPage() {
  const { t } = useTranslation();
  const notify = useNotify();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { cluster, kind: plural } = useParams() as { cluster: string; kind: string };
  const namespace = useSearchParams()[0].get("namespace") ?? "";
  const [form, setForm] = useState<AppForm>(() => ({
    ...emptyForm(namespace),
    kind: (Object.entries(PLURAL).find(([, p]) => p === plural)?.[0] as AppForm["kind"]) ?? "Deployment",
  }));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (f: Partial<AppForm>) => setForm((x) => ({ ...x, ...f }));
  const props = { form, set, cluster };
  const basicOk =
    validName(form.name) && !!form.namespace && (form.kind === "DaemonSet" || /^\d+$/.test(form.replicas));
  const containerOk = !!form.image.trim();
  const serviceOk = !form.service.enabled || !!(form.service.port || portsOf(form).length);
  const { workload, service } = objectsOf(form);
  const yaml = [workload, service]
    .filter(Boolean)
    .map((o) => stringify(o))
    .join("---\n");

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
          <BreadcrumbItem isActive>{t("apps.createForm")}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{t("apps.createForm")}</Title>
      </PageSection>
      <PageSection>
        <Wizard onClose={() => navigate(-1)} onSave={create} height={640} navAriaLabel={t("apps.form.steps")}>
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
              nextButtonText: t("common.create"),
              isNextDisabled: busy,
              nextButtonProps: { isLoading: busy },
            }}
          >
            <p className="pf-v6-u-mb-sm">{t("apps.form.reviewHelp")}</p>
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
    </>
  );
}
