// A compliance state as a coloured label with an icon (colour is never the
// only signal), and a policy's totals per state as a row of such labels.
import { Label, LabelGroup } from "@patternfly/react-core";
import BanIcon from "@patternfly/react-icons/dist/esm/icons/ban-icon";
import CheckCircleIcon from "@patternfly/react-icons/dist/esm/icons/check-circle-icon";
import ExclamationCircleIcon from "@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon";
import ExclamationTriangleIcon from "@patternfly/react-icons/dist/esm/icons/exclamation-triangle-icon";
import HistoryIcon from "@patternfly/react-icons/dist/esm/icons/history-icon";
import InProgressIcon from "@patternfly/react-icons/dist/esm/icons/in-progress-icon";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { get } from "../api/client.ts";
import { type ComplianceTotals, policyPaths, STATES, type State, type Totals } from "../api/policies.ts";

const LOOK: Record<State, { color: "green" | "blue" | "orange" | "red" | "grey" | "teal"; icon: ReactNode }> = {
  Applied: { color: "green", icon: <CheckCircleIcon /> },
  Repaired: { color: "teal", icon: <HistoryIcon /> },
  Conflict: { color: "orange", icon: <ExclamationTriangleIcon /> },
  Failed: { color: "red", icon: <ExclamationCircleIcon /> },
  Excluded: { color: "grey", icon: <BanIcon /> },
  Pending: { color: "blue", icon: <InProgressIcon /> },
};

export function PolicyStateLabel({ state, count }: { state: State; count?: number }) {
  const { t } = useTranslation();
  const look = LOOK[state] ?? LOOK.Pending;
  return (
    <Label color={look.color} icon={look.icon} isCompact data-state={state} data-count={count}>
      {count === undefined ? t(`policies.states.${state}`) : `${t(`policies.states.${state}`)}: ${count}`}
    </Label>
  );
}

/** The states with a count, in STATES order; "–" when there is none. */
export function TotalsLabels({ totals, label }: { totals: Totals | undefined; label: string }) {
  const shown = STATES.filter((s) => (totals?.[s] ?? 0) > 0);
  if (!shown.length) return <span>–</span>;
  return (
    <LabelGroup categoryName={undefined} aria-label={label} numLabels={STATES.length}>
      {shown.map((s) => (
        <PolicyStateLabel key={s} state={s} count={totals![s]} />
      ))}
    </LabelGroup>
  );
}

/** A policy's compliance totals, read again every few seconds while shown. */
export function useComplianceTotals(name: string) {
  return useQuery({
    queryKey: ["compliance-totals", name],
    queryFn: ({ signal }) => get<{ totals: ComplianceTotals }>(policyPaths.compliance(name), { pageSize: 1 }, signal),
    refetchInterval: 3_000,
  });
}

export function FleetTotals({ name }: { name: string }) {
  const { t } = useTranslation();
  const q = useComplianceTotals(name);
  return <TotalsLabels totals={q.data?.totals.fleet} label={t("policies.totalsOf", { name })} />;
}
