import { Button, EmptyState, EmptyStateBody, EmptyStateFooter, PageSection } from "@patternfly/react-core";
import SearchIcon from "@patternfly/react-icons/dist/esm/icons/search-icon";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

export default function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <PageSection>
      <EmptyState headingLevel="h1" icon={SearchIcon} titleText={t("notFound.title")}>
        <EmptyStateBody>{t("notFound.body")}</EmptyStateBody>
        <EmptyStateFooter>
          <Button onClick={() => navigate("/clusters")}>{t("notFound.back")}</Button>
        </EmptyStateFooter>
      </EmptyState>
    </PageSection>
  );
}
