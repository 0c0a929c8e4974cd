// A cluster policy made through a form: its name and kind, the template (the
// object's spec as YAML) or the Pod Security level, the target clusters (by
// name or by a label selector over their labels), a namespace selector, the
// exclusions (the server's defaults prefilled) and the mode. DryRun is the
// default, so the dry-run report comes first and Enforce is a second step.
// The same form edits a policy (its spec replaced; the name stays).
import {
  ActionGroup,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  PageSection,
  Radio,
  TextInput,
  Title,
} from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { parse, stringify } from "yaml";
import { get } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import {
  type ClusterPolicy,
  createPolicy,
  DEFAULT_EXCLUDE,
  LEVELS,
  type Level,
  MODES,
  type Mode,
  POLICY_KINDS,
  type PolicyKind,
  type PolicySpec,
  parseSelector,
  replacePolicy,
  selectorText,
} from "../api/policies.ts";
import type { Cluster, Paged } from "../api/types.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { specTemplate } from "../policies/templates.ts";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Targets = { by: "names" | "selector"; names: string[]; selector: string };

/** The body of POST /clusterpolicies from the form, or the i18n key of what is wrong. */
function bodyOf(f: { name: string; kind: PolicyKind; yaml: string; level: Level; version: string; targets: Targets; nsSelector: string; exclude: string; mode: Mode }): PolicySpec & { name: string } {
  if (!DNS_LABEL.test(f.name) || f.name.length > 63) throw new Error("policies.form.badName");
  const spec: PolicySpec = { kind: f.kind, mode: f.mode, clusters: {}, exclude: f.exclude.split(/[\s,]+/).filter(Boolean) };
  if (f.kind === "PodSecurity") {
    spec.level = f.level;
    spec.version = f.version.trim() || "latest";
  } else {
    let t: unknown;
    try {
      t = parse(f.yaml);
    } catch {
      throw new Error("policies.form.badYaml");
    }
    if (!t || typeof t !== "object" || Array.isArray(t)) throw new Error("policies.form.badYaml");
    spec.template = t as Record<string, unknown>;
  }
  if (f.targets.by === "names") {
    if (!f.targets.names.length) throw new Error("policies.form.noClusters");
    spec.clusters.names = f.targets.names;
  } else {
    const s = parseSelector(f.targets.selector);
    if (!s) throw new Error("policies.form.badSelector");
    spec.clusters.selector = s;
  }
  if (f.nsSelector.trim()) {
    const s = parseSelector(f.nsSelector);
    if (!s) throw new Error("policies.form.badSelector");
    spec.namespaceSelector = s;
  }
  return { name: f.name, ...spec };
}

export default function PolicyCreatePage() {
  return <PolicyForm />;
}

/** The form, empty for a new policy or filled from `existing` (its name fixed) to replace its spec. */
export function PolicyForm({ existing }: { existing?: ClusterPolicy }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const init: Pick<ClusterPolicy, "name" | "kind" | "mode" | "clusters" | "exclude"> = existing ?? {
    name: "",
    kind: "ResourceQuota",
    mode: "DryRun",
    clusters: { names: [] },
    exclude: DEFAULT_EXCLUDE,
  };
  const clusters = useQuery({
    queryKey: ["clusterNames"],
    queryFn: ({ signal }) => get<Paged<Cluster>>(paths.clusters, { pageSize: 500 }, signal),
  });
  const [name, setName] = useState(init.name);
  const [kind, setKind] = useState<PolicyKind>(init.kind);
  const [yamlText, setYaml] = useState<string | undefined>(existing?.template ? stringify(existing.template) : undefined);
  const [level, setLevel] = useState<Level>(existing?.level ?? "baseline");
  const [version, setVersion] = useState(existing?.version ?? "latest");
  const [targets, setTargets] = useState<Targets>({
    by: init.clusters.names ? "names" : "selector",
    names: init.clusters.names ?? [],
    selector: selectorText(init.clusters.selector),
  });
  const [nsSelector, setNsSelector] = useState(selectorText(existing?.namespaceSelector));
  const [exclude, setExclude] = useState(init.exclude.join(", "));
  const [mode, setMode] = useState<Mode>(init.mode);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const yaml = yamlText ?? specTemplate(kind);
  const title = existing ? t("policies.editTitle", { name: existing.name }) : t("policies.create");

  const submit = async () => {
    setError(undefined);
    let body: PolicySpec & { name: string };
    try {
      body = bodyOf({ name, kind, yaml, level, version, targets, nsSelector, exclude, mode });
    } catch (e) {
      setError(new Error(t((e as Error).message)));
      return;
    }
    setBusy(true);
    try {
      if (existing) await replacePolicy(body);
      else await createPolicy(body);
      navigate(`/policies/${encodeURIComponent(name)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const toggle = (c: string, on: boolean) =>
    setTargets((x) => ({ ...x, names: on ? [...x.names, c] : x.names.filter((n) => n !== c) }));

  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem>
            <Link to="/policies">{t("policies.title")}</Link>
          </BreadcrumbItem>
          <BreadcrumbItem isActive>{title}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{title}</Title>
      </PageSection>
      <PageSection>
        <Form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          style={{ maxWidth: "56rem" }}
        >
          <FormGroup label={t("common.name")} fieldId="policy-name" isRequired>
            <TextInput id="policy-name" isRequired value={name} isDisabled={!!existing} onChange={(_e, v) => setName(v)} />
            <HelperText>
              <HelperTextItem>{t("common.dnsLabelHelp")}</HelperTextItem>
            </HelperText>
          </FormGroup>
          <FormGroup label={t("policies.kind")} fieldId="policy-kind" isRequired>
            <FormSelect
              id="policy-kind"
              value={kind}
              isDisabled={!!existing}
              onChange={(_e, v) => {
                setKind(v as PolicyKind);
                setYaml(undefined);
              }}
            >
              {POLICY_KINDS.map((k) => (
                <FormSelectOption key={k} value={k} label={t(`policies.kinds.${k}`)} />
              ))}
            </FormSelect>
          </FormGroup>
          {kind === "PodSecurity" ? (
            <>
              <FormGroup label={t("policies.level")} fieldId="policy-level" isRequired>
                <FormSelect id="policy-level" value={level} onChange={(_e, v) => setLevel(v as Level)}>
                  {LEVELS.map((l) => (
                    <FormSelectOption key={l} value={l} label={t(`policies.levels.${l}`)} />
                  ))}
                </FormSelect>
              </FormGroup>
              <FormGroup label={t("policies.version")} fieldId="policy-version">
                <TextInput id="policy-version" value={version} onChange={(_e, v) => setVersion(v)} />
                <HelperText>
                  <HelperTextItem>{t("policies.versionHelp")}</HelperTextItem>
                </HelperText>
              </FormGroup>
            </>
          ) : (
            <FormGroup label={t("policies.template")} fieldId="policy-template" isRequired>
              <Suspense fallback={<PageLoading />}>
                <CodeEditor key={kind} value={yaml} onChange={setYaml} label={t("policies.templateOf", { kind })} height="14rem" />
              </Suspense>
              <HelperText>
                <HelperTextItem>{t("policies.templateHelp", { kind })}</HelperTextItem>
              </HelperText>
            </FormGroup>
          )}
          <FormGroup label={t("policies.targets")} fieldId="policy-targets" role="radiogroup" isStack>
            <Radio id="targets-names" name="targets" label={t("policies.byNames")} isChecked={targets.by === "names"} onChange={() => setTargets({ ...targets, by: "names" })} />
            {targets.by === "names" && (
              <div className="pf-v6-u-ml-lg" data-testid="policy-clusters">
                {clusters.data?.items.map((c) => (
                  <Checkbox
                    key={c.metadata.name}
                    id={`cluster-${c.metadata.name}`}
                    label={c.metadata.name}
                    isChecked={targets.names.includes(c.metadata.name)}
                    onChange={(_e, on) => toggle(c.metadata.name, on)}
                  />
                ))}
              </div>
            )}
            <Radio id="targets-selector" name="targets" label={t("policies.bySelector")} isChecked={targets.by === "selector"} onChange={() => setTargets({ ...targets, by: "selector" })} />
            {targets.by === "selector" && (
              <TextInput
                className="pf-v6-u-ml-lg"
                aria-label={t("policies.clusterSelector")}
                placeholder="env=prod"
                value={targets.selector}
                onChange={(_e, v) => setTargets({ ...targets, selector: v })}
              />
            )}
          </FormGroup>
          <FormGroup label={t("policies.namespaceSelector")} fieldId="policy-ns-selector">
            <TextInput id="policy-ns-selector" placeholder="team=payments" value={nsSelector} onChange={(_e, v) => setNsSelector(v)} />
            <HelperText>
              <HelperTextItem>{t("policies.namespaceSelectorHelp")}</HelperTextItem>
            </HelperText>
          </FormGroup>
          <FormGroup label={t("policies.exclude")} fieldId="policy-exclude">
            <TextInput id="policy-exclude" value={exclude} onChange={(_e, v) => setExclude(v)} />
            <HelperText>
              <HelperTextItem>{t("policies.excludeHelp")}</HelperTextItem>
            </HelperText>
          </FormGroup>
          <FormGroup label={t("policies.mode")} fieldId="policy-mode" role="radiogroup" isStack>
            {MODES.map((m) => (
              <Radio
                key={m}
                id={`mode-${m}`}
                name="mode"
                label={t(`policies.modes.${m}`)}
                description={t(`policies.modeHelp.${m}`)}
                isChecked={mode === m}
                onChange={() => setMode(m)}
              />
            ))}
          </FormGroup>
          {error !== undefined && <ErrorAlert error={error} />}
          <ActionGroup>
            <Button type="submit" isLoading={busy} isDisabled={busy}>
              {existing ? t("common.save") : t("common.create")}
            </Button>
            <Button variant="link" onClick={() => navigate(existing ? `/policies/${encodeURIComponent(existing.name)}` : "/policies")}>
              {t("common.cancel")}
            </Button>
          </ActionGroup>
        </Form>
      </PageSection>
    </>
  );
}
