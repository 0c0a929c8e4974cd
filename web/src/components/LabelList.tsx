// A map of Kubernetes labels as a compact, collapsible group of key=value.
import { Label, LabelGroup } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

export function LabelList({ labels, max = 3 }: { labels: Record<string, string> | undefined; max?: number }) {
  const { t } = useTranslation();
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return <span className="pf-v6-u-text-color-subtle">{t("common.none")}</span>;
  return (
    <LabelGroup numLabels={max} isCompact expandedText={t("common.showLess")} collapsedText={t("common.showMore")}>
      {entries.map(([k, v]) => (
        <Label key={k} isCompact>
          {v ? `${k}=${v}` : k}
        </Label>
      ))}
    </LabelGroup>
  );
}
