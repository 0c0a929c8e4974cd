// A namespace's page: its policies in tabs (each its own route): network
// policies, quotas (usage against the hard limits above the list), limit
// ranges (the effective defaults above the list) and pod security.
import { Breadcrumb, BreadcrumbItem, PageSection, Title } from "@patternfly/react-core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { NS_RESOURCES, type NsResource } from "../api/policies.ts";
import { ResourceList } from "../components/ResourceList.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { NS_KINDS } from "../policies/nsKinds.tsx";
import { LimitDefaults, QuotaUsage } from "../policies/NsCompute.tsx";
import { PodSecurityTab } from "../policies/PodSecurityTab.tsx";

const TABS = [...NS_RESOURCES, "podsecurity"] as const;
type Tab = (typeof TABS)[number];

export default function NamespacePage() {
  const { t } = useTranslation();
  const { cluster = "", namespace = "", tab } = useParams();
  const active: Tab = TABS.find((x) => x === tab) ?? "networkpolicies";
  const base = `/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(namespace)}`;
  const params = useMemo(() => ({ cluster, namespace }), [cluster, namespace]);
  const where = { cluster, namespace };
  const panel = () => {
    if (active === "podsecurity") return <PodSecurityTab {...where} />;
    const r: NsResource = active;
    return (
      <>
        {r === "resourcequotas" && <QuotaUsage {...where} />}
        {r === "limitranges" && <LimitDefaults {...where} />}
        <ResourceList kind={NS_KINDS[r]} params={params} />
      </>
    );
  };
  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem>
            <Link to="/clusters">{t("nav.clusters")}</Link>
          </BreadcrumbItem>
          <BreadcrumbItem>
            <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>
          </BreadcrumbItem>
          <BreadcrumbItem>
            <Link to={`/clusters/${encodeURIComponent(cluster)}/namespaces`}>{t("nav.namespaces")}</Link>
          </BreadcrumbItem>
          <BreadcrumbItem isActive>{namespace}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{t("policies.ns.title", { namespace })}</Title>
      </PageSection>
      <PageSection>
        <RouteTabs
          label={t("policies.ns.sections", { namespace })}
          active={active}
          tabs={TABS.map((k) => ({ key: k, title: t(`policies.ns.tab.${k}`), to: `${base}/${k}` }))}
        >
          {panel()}
        </RouteTabs>
      </PageSection>
    </>
  );
}
