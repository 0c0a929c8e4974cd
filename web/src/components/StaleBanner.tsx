// Above a list whose clusters are not all current: names each stale cluster
// and since when its data has not been updated.
import { Alert, List, ListItem } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import type { Freshness } from "../api/useList.ts";
import { dateTime, relativeTime } from "../lib/format.ts";

export function StaleBanner({ stale }: { stale: readonly Freshness[] }) {
  const { t } = useTranslation();
  if (stale.length === 0) return null;
  const rows = [...new Map(stale.map((s) => [s.cluster, s])).values()].sort((a, b) => a.cluster.localeCompare(b.cluster));
  return (
    <Alert
      variant="warning"
      isInline
      className="pf-v6-u-mb-md"
      data-testid="stale-banner"
      title={t("stale.banner", { count: rows.length, clusters: rows.map((r) => r.cluster).join(", ") })}
    >
      <List isPlain>
        {rows.map((r) => (
          <ListItem key={r.cluster} data-cluster={r.cluster}>
            {r.since
              ? t("stale.bannerRow", { cluster: r.cluster, when: relativeTime(r.since), time: dateTime(r.since) })
              : t("stale.bannerRowNever", { cluster: r.cluster })}
          </ListItem>
        ))}
      </List>
    </Alert>
  );
}
