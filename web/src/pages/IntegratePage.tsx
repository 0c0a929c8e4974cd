// The integrate-cluster wizard: paste or upload a kubeconfig, verify it
// (POST /clusters/validate: reachability, version, rights, credential expiry
// and its warnings), then name, alias and labels, then integrate
// (POST /clusters) and go to the new cluster's page.
import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  FileUpload,
  Form,
  FormGroup,
  HelperText,
  HelperTextItem,
  PageSection,
  Spinner,
  TextInput,
  Title,
  Wizard,
  WizardStep,
} from "@patternfly/react-core";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { post } from "../api/client.ts";
import { meKey } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import type { Cluster, ValidationReport } from "../api/types.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { KeyValueEditor, type Row, toMap } from "../components/KeyValueEditor.tsx";
import { dateTime } from "../lib/format.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function ReportView({ report }: { report: ValidationReport }) {
  const { t } = useTranslation();
  const yes = (b: boolean | undefined) => (b === undefined ? "–" : t(b ? "common.yes" : "common.no"));
  const row = (term: string, value: ReactNode) => (
    <DescriptionListGroup key={term}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  const ok = report.reachable && report.authenticated !== false && report.permissions?.sufficient !== false;
  return (
    <div data-testid="validation-report">
      <Alert
        isInline
        variant={ok ? "success" : "danger"}
        title={ok ? t("integrate.verified") : t("integrate.notUsable")}
        className="pf-v6-u-mb-md"
      >
        {report.error}
      </Alert>
      {report.warnings?.map((w) => (
        <Alert key={w} isInline variant="warning" title={w} className="pf-v6-u-mb-sm" />
      ))}
      <DescriptionList isHorizontal isCompact>
        {row(t("integrate.reachable"), yes(report.reachable))}
        {row(t("integrate.authenticated"), yes(report.authenticated))}
        {row(t("cluster.version"), report.serverVersion ?? "–")}
        {row(t("integrate.clusterAdmin"), yes(report.permissions?.clusterAdmin))}
        {row(t("integrate.sufficient"), yes(report.permissions?.sufficient))}
        {!!report.permissions?.missing?.length && row(t("integrate.missing"), report.permissions.missing.join(", "))}
        {row(t("integrate.credentialType"), report.credential?.type ?? "–")}
        {report.credential?.subject && row(t("integrate.subject"), report.credential.subject)}
        {row(t("integrate.expires"), report.credential?.expiresAt ? dateTime(report.credential.expiresAt) : t("integrate.noExpiry"))}
      </DescriptionList>
    </div>
  );
}

export default function IntegratePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [kubeconfig, setKubeconfig] = useState("");
  const [filename, setFilename] = useState("");
  const [report, setReport] = useState<ValidationReport>();
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>();
  const [name, setName] = useState("");
  const [alias, setAlias] = useState("");
  const [labels, setLabels] = useState<Row[]>([]);
  const [saveError, setSaveError] = useState<unknown>();
  const nameOk = DNS_LABEL.test(name) && name.length <= 63;
  const usable = !!report && report.reachable && report.authenticated !== false && report.permissions?.sufficient !== false;

  const verify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    setReport(undefined);
    try {
      setReport(await post<ValidationReport>(paths.validateCluster, { kubeconfig }));
    } catch (e) {
      setVerifyError(e);
    }
    setVerifying(false);
  };
  const integrate = async () => {
    setSaveError(undefined);
    try {
      await post<Cluster>(paths.clusters, { name, kubeconfig, alias: alias.trim() || undefined, labels: toMap(labels) });
      await client.invalidateQueries({ queryKey: meKey });
      navigate(`/clusters/${encodeURIComponent(name)}`);
    } catch (e) {
      setSaveError(e);
    }
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("integrate.title")}</Title>
      </PageSection>
      <PageSection type="wizard" aria-label={t("integrate.title")}>
        <Wizard onClose={() => navigate("/clusters")} onSave={integrate} navAriaLabel={t("integrate.steps")}>
          <WizardStep
            name={t("integrate.stepKubeconfig")}
            id="kubeconfig"
            footer={{ isNextDisabled: !kubeconfig.trim(), nextButtonText: t("common.next"), backButtonText: t("common.back"), cancelButtonText: t("common.cancel") }}
          >
            <Form onSubmit={(e) => e.preventDefault()}>
              <FormGroup label={t("integrate.kubeconfig")} fieldId="kubeconfig-upload" isRequired>
                <FileUpload
                  id="kubeconfig-upload"
                  type="text"
                  value={kubeconfig}
                  filename={filename}
                  filenamePlaceholder={t("integrate.dragOrPaste")}
                  browseButtonText={t("integrate.upload")}
                  clearButtonText={t("common.clear")}
                  onFileInputChange={(_e, f) => setFilename(f.name)}
                  onDataChange={(_e, d) => setKubeconfig(d)}
                  onTextChange={(_e, v) => setKubeconfig(v)}
                  onClearClick={() => {
                    setKubeconfig("");
                    setFilename("");
                  }}
                  allowEditingUploadedText
                  aria-label={t("integrate.kubeconfig")}
                  filenameAriaLabel={t("integrate.filename")}
                />
                <HelperText>
                  <HelperTextItem>{t("integrate.kubeconfigHelp")}</HelperTextItem>
                </HelperText>
              </FormGroup>
            </Form>
          </WizardStep>
          <WizardStep
            name={t("integrate.stepVerify")}
            id="verify"
            footer={{ isNextDisabled: !usable, nextButtonText: t("common.next"), backButtonText: t("common.back"), cancelButtonText: t("common.cancel") }}
          >
            <VerifyStep verifying={verifying} report={report} error={verifyError} onVerify={verify} />
          </WizardStep>
          <WizardStep
            name={t("integrate.stepDetails")}
            id="details"
            footer={{ isNextDisabled: !nameOk, nextButtonText: t("common.next"), backButtonText: t("common.back"), cancelButtonText: t("common.cancel") }}
          >
            <Form onSubmit={(e) => e.preventDefault()}>
              <FormGroup label={t("common.name")} fieldId="cluster-name" isRequired>
                <TextInput id="cluster-name" isRequired value={name} onChange={(_e, v) => setName(v)} validated={name && !nameOk ? "error" : "default"} />
                <HelperText>
                  <HelperTextItem variant={name && !nameOk ? "error" : "default"}>{t("integrate.nameHelp")}</HelperTextItem>
                </HelperText>
              </FormGroup>
              <FormGroup label={t("cluster.alias")} fieldId="cluster-alias">
                <TextInput id="cluster-alias" value={alias} onChange={(_e, v) => setAlias(v)} />
              </FormGroup>
              <FormGroup label={t("common.labels")} fieldId="cluster-labels" role="group">
                <KeyValueEditor id="cluster-labels" rows={labels} onChange={setLabels} />
              </FormGroup>
            </Form>
          </WizardStep>
          <WizardStep
            name={t("integrate.stepReview")}
            id="review"
            footer={{ nextButtonText: t("integrate.submit"), backButtonText: t("common.back"), cancelButtonText: t("common.cancel") }}
          >
            <DescriptionList isHorizontal isCompact className="pf-v6-u-mb-md">
              <DescriptionListGroup>
                <DescriptionListTerm>{t("common.name")}</DescriptionListTerm>
                <DescriptionListDescription>{name}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>{t("cluster.alias")}</DescriptionListTerm>
                <DescriptionListDescription>{alias || "–"}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>{t("cluster.version")}</DescriptionListTerm>
                <DescriptionListDescription>{report?.serverVersion ?? "–"}</DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>{t("common.labels")}</DescriptionListTerm>
                <DescriptionListDescription>
                  {Object.entries(toMap(labels))
                    .map(([k, v]) => `${k}=${v}`)
                    .join(", ") || "–"}
                </DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
            {saveError !== undefined && <ErrorAlert error={saveError} />}
          </WizardStep>
        </Wizard>
      </PageSection>
    </>
  );
}

function VerifyStep({ verifying, report, error, onVerify }: { verifying: boolean; report?: ValidationReport; error: unknown; onVerify: () => void }) {
  const { t } = useTranslation();
  // Verification starts as the step opens (the wizard mounts a step when it is shown).
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per opening of the step
  useEffect(() => {
    onVerify();
  }, []);
  return (
    <div aria-live="polite">
      {verifying && (
        <div>
          <Spinner size="md" aria-label={t("integrate.verifying")} /> {t("integrate.verifying")}
        </div>
      )}
      {error !== undefined && <ErrorAlert error={error} />}
      {report && <ReportView report={report} />}
      {!verifying && (
        <Button variant="link" isInline className="pf-v6-u-mt-md" onClick={onVerify}>
          {t("integrate.verifyAgain")}
        </Button>
      )}
    </div>
  );
}
