// A cluster's custom resources: its CRDs (the cache's live list); each
// links to the page of its objects.
import { Breadcrumb, BreadcrumbItem, PageSection, Title } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ResourceList } from "../components/ResourceList.tsx";
import { crdKind } from "../kinds/crds.tsx";

export default function CrdsPage() {
  const { t } = useTranslation();
  const { cluster } = useParams() as { cluster: string };
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>} />
          <BreadcrumbItem isActive>{t("crs.title")}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{t("crs.title")}</Title>
      </PageSection>
      <PageSection>
        <ResourceList kind={crdKind} params={{ cluster }} />
      </PageSection>
    </>
  );
}
