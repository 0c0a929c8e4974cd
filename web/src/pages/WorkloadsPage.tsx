// A cluster's workloads: one tab per kind (Deployments, StatefulSets,
// DaemonSets, Jobs, CronJobs, and their Pods), each the cache's live list, in every
// namespace the caller may read or in the one picked. The picked namespace
// stays in the address (?namespace=).
import { Breadcrumb, BreadcrumbItem, Flex, FlexItem, PageSection, Title } from "@patternfly/react-core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useParams, useSearchParams } from "react-router";
import { appRoutes, type KObject, WORKLOAD_KINDS, workloadKind } from "../api/apps.ts";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { ResourceList } from "../components/ResourceList.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { podKind } from "../kinds/pods.tsx";
import type { KindDescription } from "../kinds/types.ts";
import { workloadListKind } from "../kinds/workloads.tsx";

export default function WorkloadsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { cluster, kind: plural } = useParams() as { cluster: string; kind?: string };
  const namespace = useSearchParams()[0].get("namespace") ?? undefined;
  const wk = workloadKind(plural);
  const description = useMemo(
    () =>
      plural === "pods"
        ? (podKind as KindDescription<KObject>)
        : wk
          ? workloadListKind(wk, cluster, namespace)
          : undefined,
    [plural, wk, cluster, namespace],
  );
  if (!plural || !description)
    return <Navigate to={appRoutes.workloads(cluster, "deployments", namespace)} replace />;
  const tabs = [...WORKLOAD_KINDS.map((k) => k.plural), "pods"].map((k) => ({
    key: k,
    title: t(`apps.kinds.${k}`),
    to: appRoutes.workloads(cluster, k, namespace),
  }));
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem
            render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>}
          />
          <BreadcrumbItem isActive>{t("apps.workloads")}</BreadcrumbItem>
        </Breadcrumb>
        <Flex
          justifyContent={{ default: "justifyContentSpaceBetween" }}
          alignItems={{ default: "alignItemsCenter" }}
        >
          <FlexItem>
            <Title headingLevel="h1">{t("apps.workloads")}</Title>
          </FlexItem>
          <FlexItem>
            <NamespacePicker
              cluster={cluster}
              value={namespace}
              onChange={(ns) => navigate(appRoutes.workloads(cluster, plural, ns))}
            />
          </FlexItem>
        </Flex>
      </PageSection>
      <PageSection>
        <RouteTabs tabs={tabs} active={plural} label={t("apps.workloadKinds")}>
          <ResourceList
            key={`${plural}/${namespace ?? ""}`}
            kind={description}
            params={{ cluster, namespace }}
          />
        </RouteTabs>
      </PageSection>
    </>
  );
}
