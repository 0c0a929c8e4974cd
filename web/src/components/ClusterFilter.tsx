// A filter on clusters: a menu of the clusters the user may see (from
// GET /me), with a checkbox each; none checked means every cluster.
import { Badge, MenuToggle, Select, SelectList, SelectOption } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

export function ClusterFilter({ clusters, value, onChange }: { clusters: readonly string[]; value: readonly string[]; onChange: (v: string[]) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const chosen = new Set(value);
  const toggle = (c: string) => onChange(clusters.filter((x) => (x === c ? !chosen.has(x) : chosen.has(x))));
  const summary = value.length === 0 ? t("search.allClusters") : value.length === 1 ? value[0] : t("search.someClusters", { count: value.length });
  return (
    <Select
      role="menu"
      isOpen={open}
      isScrollable
      onOpenChange={setOpen}
      onSelect={(_e, v) => toggle(String(v))}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          onClick={() => setOpen(!open)}
          isExpanded={open}
          // The name holds the text shown (WCAG 2.5.3, label in name).
          aria-label={`${t("search.clusterFilter")}: ${summary}`}
          badge={value.length > 0 ? <Badge isRead>{value.length}</Badge> : undefined}
        >
          {summary}
        </MenuToggle>
      )}
    >
      <SelectList aria-label={t("search.clusterFilter")}>
        {clusters.map((c) => (
          <SelectOption key={c} value={c} hasCheckbox isSelected={chosen.has(c)}>
            {c}
          </SelectOption>
        ))}
      </SelectList>
    </Select>
  );
}
