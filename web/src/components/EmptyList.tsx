// A list with no items: "none yet", or, with filters set, "none match" and a
// way to clear them.
import { Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter } from "@patternfly/react-core";
import SearchIcon from "@patternfly/react-icons/dist/esm/icons/search-icon";
import CubesIcon from "@patternfly/react-icons/dist/esm/icons/cubes-icon";
import { useTranslation } from "react-i18next";

export function EmptyList({ what, filtered, onClear }: { what: string; filtered: boolean; onClear: () => void }) {
  const { t } = useTranslation();
  return (
    <EmptyState
      headingLevel="h2"
      icon={filtered ? SearchIcon : CubesIcon}
      titleText={filtered ? t("list.noMatch") : t("list.empty", { what })}
      variant="sm"
    >
      <EmptyStateBody>{filtered ? t("list.noMatchBody") : t("list.emptyBody", { what })}</EmptyStateBody>
      {filtered && (
        <EmptyStateFooter>
          <EmptyStateActions>
            <Button variant="link" onClick={onClear}>
              {t("list.clearFilters")}
            </Button>
          </EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}
