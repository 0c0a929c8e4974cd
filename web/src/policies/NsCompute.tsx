// Above a namespace's quota and limit range lists: what they add up to
// (…/resourcequotas:compute and …/limitranges:compute). Quotas: per
// resource, usage against the hard limit of the quota with the least room,
// as a bar (warning above 80 %, danger above 95 %). Limit ranges: the
// defaults, minimums and maximums new pods and containers get, per type.
import { Progress, ProgressMeasureLocation, ProgressSize, ProgressVariant, Title } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { get } from "../api/client.ts";
import { type LimitCompute, policyPaths, type QuotaCompute } from "../api/policies.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";

type Where = { cluster: string; namespace: string };

export function QuotaUsage({ cluster, namespace }: Where) {
  const { t } = useTranslation();
  const q = useQuery<QuotaCompute, ApiError>({
    queryKey: ["quotaCompute", cluster, namespace],
    queryFn: ({ signal }) => get<QuotaCompute>(policyPaths.quotaCompute(cluster, namespace), undefined, signal),
    refetchInterval: 10_000,
  });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data?.resources.length) return null;
  return (
    <section className="pf-v6-u-mb-lg" data-testid="quota-usage" aria-labelledby="quota-usage-title">
      <Title headingLevel="h2" size="md" id="quota-usage-title" className="pf-v6-u-mb-sm">
        {t("policies.ns.usage")}
      </Title>
      <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(16rem, 1fr))", gap: "1rem" }}>
        {q.data.resources.map((r) => {
          const p = Math.min(100, r.percent);
          const text = `${r.used} / ${r.hard}`;
          return (
            <Progress
              key={r.resource}
              data-resource={r.resource}
              title={r.resource}
              value={p}
              label={text}
              valueText={t("policies.ns.usageText", { percent: r.percent, used: r.used, hard: r.hard, quota: r.quota })}
              measureLocation={ProgressMeasureLocation.top}
              size={ProgressSize.sm}
              variant={r.percent > 95 ? ProgressVariant.danger : r.percent > 80 ? ProgressVariant.warning : undefined}
            />
          );
        })}
      </div>
    </section>
  );
}

const FIELDS = ["defaultRequest", "default", "min", "max", "maxLimitRequestRatio"] as const;

export function LimitDefaults({ cluster, namespace }: Where) {
  const { t } = useTranslation();
  const q = useQuery<LimitCompute, ApiError>({
    queryKey: ["limitCompute", cluster, namespace],
    queryFn: ({ signal }) => get<LimitCompute>(policyPaths.limitCompute(cluster, namespace), undefined, signal),
    refetchInterval: 10_000,
  });
  if (q.error) return <ErrorAlert error={q.error} />;
  if (!q.data?.types.length) return null;
  const show = (m: Record<string, string>) =>
    Object.entries(m)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ") || "–";
  return (
    <section className="pf-v6-u-mb-lg" data-testid="limit-defaults" aria-labelledby="limit-defaults-title">
      <Title headingLevel="h2" size="md" id="limit-defaults-title" className="pf-v6-u-mb-sm">
        {t("policies.ns.effective")}
      </Title>
      <Table aria-label={t("policies.ns.effective")} variant="compact">
        <Thead>
          <Tr>
            <Th>{t("policies.ns.type")}</Th>
            {FIELDS.map((f) => (
              <Th key={f} modifier="wrap">
                {t(`policies.ns.field.${f}`)}
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {q.data.types.map((x) => (
            <Tr key={x.type} data-row={x.type}>
              <Td dataLabel={t("policies.ns.type")}>{x.type}</Td>
              {FIELDS.map((f) => (
                <Td key={f} dataLabel={t(`policies.ns.field.${f}`)}>
                  {show(x[f])}
                </Td>
              ))}
            </Tr>
          ))}
        </Tbody>
      </Table>
    </section>
  );
}
