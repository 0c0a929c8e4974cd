import { PageSection, Title } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { ResourceList } from "../components/ResourceList.tsx";
import { auditKind } from "../kinds/audit.tsx";

export default function AuditPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("nav.audit")}</Title>
      </PageSection>
      <PageSection>
        <ResourceList kind={auditKind} />
      </PageSection>
    </>
  );
}
