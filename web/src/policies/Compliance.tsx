// A policy's compliance: totals for the fleet and per cluster, then each
// target namespace on each cluster with its state (Applied, Repaired,
// Conflict, Failed, Excluded, Pending), why and since when; filtered by
// cluster, state and namespace on the server, and read again every few seconds.
import { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Title } from "@patternfly/react-core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { type ComplianceItem, policyPaths, STATES } from "../api/policies.ts";
import { ResourceList } from "../components/ResourceList.tsx";
import { kind } from "../kinds/types.ts";
import { dateTime } from "../lib/format.ts";
import i18n from "../i18n/index.ts";
import { PolicyStateLabel, TotalsLabels, useComplianceTotals } from "./PolicyState.tsx";

const complianceKind = (name: string) =>
  kind<ComplianceItem>({
    kind: "Compliance",
    title: "policies.compliance",
    path: () => policyPaths.compliance(name),
    key: (i) => `${i.cluster}/${i.namespace}`,
    search: true,
    filters: [
      { id: "cluster", title: "common.cluster", type: "text" },
      { id: "state", title: "policies.state", type: "select", options: STATES.map((s) => ({ value: s, label: `policies.states.${s}` })) },
    ],
    columns: [
      { id: "cluster", title: "common.cluster", width: 15, render: (i) => i.cluster },
      { id: "namespace", title: "common.namespace", width: 20, render: (i) => i.namespace || i18n.t("policies.wholeCluster") },
      { id: "state", title: "policies.state", render: (i) => <PolicyStateLabel state={i.state} /> },
      { id: "reason", title: "policies.reason", width: 40, render: (i) => i.reason ?? "" },
      { id: "time", title: "policies.since", render: (i) => dateTime(i.time) },
    ],
  });

export function Compliance({ name }: { name: string }) {
  const { t } = useTranslation();
  const list = useMemo(() => complianceKind(name), [name]);
  const totals = useComplianceTotals(name).data?.totals;
  const clusters = Object.keys(totals?.clusters ?? {}).sort();
  return (
    <>
      <Title headingLevel="h2" size="md" className="pf-v6-u-mb-sm">
        {t("policies.totals")}
      </Title>
      <DescriptionList isHorizontal isCompact className="pf-v6-u-mb-md" data-testid="compliance-totals">
        <DescriptionListGroup>
          <DescriptionListTerm>{t("policies.fleet")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="totals-fleet">
            <TotalsLabels totals={totals?.fleet} label={t("policies.fleet")} />
          </DescriptionListDescription>
        </DescriptionListGroup>
        {clusters.map((c) => (
          <DescriptionListGroup key={c}>
            <DescriptionListTerm>{c}</DescriptionListTerm>
            <DescriptionListDescription data-testid={`totals-${c}`}>
              <TotalsLabels totals={totals?.clusters[c]} label={t("policies.totalsOfCluster", { cluster: c })} />
            </DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      <ResourceList kind={list} />
    </>
  );
}
