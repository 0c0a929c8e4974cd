// The Policies section: the cluster policies the user may manage.
import { PageSection, Title } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { ResourceList } from "../components/ResourceList.tsx";
import { policyKind } from "../policies/policyKind.tsx";

export default function PoliciesPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("policies.title")}</Title>
        <p className="pf-v6-u-mt-sm">{t("policies.intro")}</p>
      </PageSection>
      <PageSection>
        <ResourceList kind={policyKind} />
      </PageSection>
    </>
  );
}
