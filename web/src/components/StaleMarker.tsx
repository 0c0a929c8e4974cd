// Marks data that may be out of date (an Unknown cluster, a list whose
// cluster is stale) with the time it was last current.
import { Label, Tooltip } from "@patternfly/react-core";
import HistoryIcon from "@patternfly/react-icons/dist/esm/icons/history-icon";
import { useTranslation } from "react-i18next";
import { dateTime, relativeTime } from "../lib/format.ts";

export function StaleMarker({ since }: { since?: string }) {
  const { t } = useTranslation();
  const when = since ? relativeTime(since) : t("stale.never");
  return (
    <Tooltip content={since ? t("stale.tooltip", { time: dateTime(since) }) : t("stale.neverTooltip")}>
      <Label color="orange" variant="outline" icon={<HistoryIcon />} isCompact data-testid="stale-marker" tabIndex={0}>
        {t("stale.label", { when })}
      </Label>
    </Tooltip>
  );
}
