// A cluster's Services, Ingresses, ConfigMaps, Secrets and
// PersistentVolumeClaims: one tab per kind, each the cache's live list, in
// every namespace the caller may read or in the one picked (kept in the
// address as ?namespace=). The Secrets tab is there only for those GET /me
// allows secrets.view (Kubernetes' view role reads no Secrets).
import { Breadcrumb, BreadcrumbItem, Flex, FlexItem, PageSection, Title } from "@patternfly/react-core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { useCan, useMe } from "../api/me.ts";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { ResourceList } from "../components/ResourceList.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { resourceListKind } from "../kinds/resources.tsx";
import { ConfigMapForm } from "../resources/ConfigMapForm.tsx";
import { IngressForm } from "../resources/IngressForm.tsx";
import { isResource, RESOURCE_PLURALS, resourceRoutes } from "../resources/model.ts";
import { PvcForm } from "../resources/PvcForm.tsx";
import { SecretForm } from "../resources/SecretForm.tsx";
import { ServiceForm } from "../resources/ServiceForm.tsx";

const FORMS = { configmaps: ConfigMapForm, services: ServiceForm, secrets: SecretForm, persistentvolumeclaims: PvcForm, ingresses: IngressForm };

export default function ResourcesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const can = useCan();
  const me = useMe();
  const { cluster, kind: plural } = useParams() as { cluster: string; kind?: string };
  const namespace = useSearchParams()[0].get("namespace") ?? undefined;
  const description = useMemo(
    () => (isResource(plural) ? resourceListKind(plural, cluster, namespace, FORMS) : undefined),
    [plural, cluster, namespace],
  );
  // Which tabs there are depends on /me: the Secrets tab waits for it.
  if (!me.data && !me.error) return <PageLoading />;
  const shown = RESOURCE_PLURALS.filter((k) => k !== "secrets" || can("secrets.view", { cluster, namespace }));
  if (!plural || !description || !(shown as string[]).includes(plural))
    return <Navigate to={resourceRoutes.list(cluster, "services", namespace)} replace />;
  const tabs = shown.map((k) => ({ key: k, title: t(`kinds.${k}`), to: resourceRoutes.list(cluster, k, namespace) }));
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>} />
          <BreadcrumbItem isActive>{t("resources.title")}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <Title headingLevel="h1">{t("resources.title")}</Title>
          </FlexItem>
          <FlexItem>
            <NamespacePicker
              cluster={cluster}
              value={namespace}
              onChange={(ns) => navigate(resourceRoutes.list(cluster, plural, ns))}
            />
          </FlexItem>
        </Flex>
      </PageSection>
      <PageSection>
        <RouteTabs tabs={tabs} active={plural} label={t("resources.kindsLabel")}>
          <ResourceList key={`${plural}/${namespace ?? ""}`} kind={description} params={{ cluster, namespace }} />
        </RouteTabs>
      </PageSection>
    </>
  );
}
