// One cluster policy: what it is (kind, template or level, targets,
// exclusions, mode), an Enforce action once its dry run has been read, Edit
// (the create form, filled), and
// two tabs: the dry-run report and the compliance view.
import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
  CodeBlock,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  PageSection,
  Title,
} from "@patternfly/react-core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { stringify } from "yaml";
import type { ApiError } from "../api/ApiError.ts";
import { get } from "../api/client.ts";
import { type ClusterPolicy, policyPaths, selectorText, setMode } from "../api/policies.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { Compliance } from "../policies/Compliance.tsx";
import { PolicyForm } from "./PolicyCreatePage.tsx";
import { DryRunReport } from "../policies/DryRunReport.tsx";
import { DeletePolicy, ModeLabel, Targets } from "../policies/policyKind.tsx";
import { dateTime } from "../lib/format.ts";

const TABS = ["dryrun", "compliance"] as const;

function Details({ p }: { p: ClusterPolicy }) {
  const { t } = useTranslation();
  const row = (term: string, value: React.ReactNode) => (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  return (
    <DescriptionList isHorizontal isCompact columnModifier={{ lg: "2Col" }}>
      {row(t("policies.kind"), t(`policies.kinds.${p.kind}`))}
      {row(t("policies.mode"), <ModeLabel mode={p.mode} />)}
      {p.kind === "PodSecurity" && row(t("policies.level"), `${t(`policies.levels.${p.level}`)} (${p.version})`)}
      {row(t("policies.targets"), <Targets p={p} />)}
      {row(t("policies.namespaceSelector"), selectorText(p.namespaceSelector) || t("policies.allNamespaces"))}
      {row(t("policies.exclude"), p.exclude.join(", ") || t("common.none"))}
      {row(t("common.created"), dateTime(p.creationTimestamp))}
      {p.template && (
        <DescriptionListGroup>
          <DescriptionListTerm>{t("policies.template")}</DescriptionListTerm>
          <DescriptionListDescription>
            <CodeBlock>
              <CodeBlockCode>{stringify(p.template)}</CodeBlockCode>
            </CodeBlock>
          </DescriptionListDescription>
        </DescriptionListGroup>
      )}
    </DescriptionList>
  );
}

export default function PolicyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { name = "", tab } = useParams();
  const [open, setOpen] = useState<"enforce" | "delete">();
  const q = useQuery<ClusterPolicy, ApiError>({
    queryKey: ["policy", name],
    queryFn: ({ signal }) => get<ClusterPolicy>(policyPaths.policy(name), undefined, signal),
    refetchInterval: 5_000,
  });
  const p = q.data;
  const base = `/policies/${encodeURIComponent(name)}`;
  const active = TABS.find((x) => x === tab) ?? (p?.mode === "Enforce" ? "compliance" : "dryrun");
  if (tab === "edit" && p) return <PolicyForm existing={p} />;
  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem>
            <Link to="/policies">{t("policies.title")}</Link>
          </BreadcrumbItem>
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <Title headingLevel="h1">{name}</Title>
          </FlexItem>
          {p && !p.deleting && (
            <FlexItem>
              {p.mode !== "Enforce" && (
                <Button className="pf-v6-u-mr-sm" onClick={() => setOpen("enforce")}>
                  {t("policies.enforce")}
                </Button>
              )}
              <Button variant="secondary" className="pf-v6-u-mr-sm" onClick={() => navigate(`${base}/edit`)}>
                {t("policies.edit")}
              </Button>
              <Button variant="danger" onClick={() => setOpen("delete")}>
                {t("common.delete")}
              </Button>
            </FlexItem>
          )}
        </Flex>
        {p?.deleting && <p className="pf-v6-u-mt-sm">{t("policies.deleting")}</p>}
      </PageSection>
      <PageSection>
        {q.error && <ErrorAlert error={q.error} />}
        {!p && !q.error && <PageLoading />}
        {p && <Details p={p} />}
      </PageSection>
      {p && (
        <PageSection>
          <RouteTabs
            label={t("policies.sections", { name })}
            active={active}
            tabs={TABS.map((k) => ({ key: k, title: t(`policies.tab.${k}`), to: `${base}/${k}` }))}
          >
            {active === "dryrun" ? <DryRunReport name={name} /> : <Compliance name={name} />}
          </RouteTabs>
        </PageSection>
      )}
      {p && open === "enforce" && (
        <ConfirmDialog
          title={t("policies.enforceTitle", { name })}
          body={<Trans i18nKey="policies.enforceBody" values={{ name }} components={{ b: <strong /> }} />}
          confirmLabel={t("policies.enforce")}
          danger={false}
          onClose={() => setOpen(undefined)}
          onConfirm={async () => {
            await setMode(p, "Enforce");
            await client.invalidateQueries({ queryKey: ["policy", name] });
            navigate(`${base}/compliance`);
          }}
        />
      )}
      {p && open === "delete" && (
        <DeletePolicy
          item={p}
          params={{}}
          onDeleted={() => navigate("/policies")}
          onClose={() => {
            setOpen(undefined);
            void client.invalidateQueries({ queryKey: ["policy", name] });
          }}
        />
      )}
    </>
  );
}
