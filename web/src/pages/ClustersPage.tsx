// The clusters overview: totals over every cluster the user sees, then one
// row per cluster (status, version, provider, nodes, CPU and memory requested
// against allocatable), filtered and sorted on the server, kept live.
import { Card, CardBody, CardTitle, Content, Gallery, PageSection, Title } from "@patternfly/react-core";
import type { QueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { type ListParams, prefetchList, useList } from "../api/useList.ts";
import type { ClusterSummary, Resources } from "../api/types.ts";
import { prefetchResourceList, ResourceList } from "../components/ResourceList.tsx";
import { UsageBar } from "../components/UsageBar.tsx";
import { clusterKind } from "../kinds/clusters.tsx";
import { bytes, cores } from "../lib/format.ts";

/** What GET /clustersummary adds to its list: totals over every visible cluster. */
export type SummaryTotals = {
  clusters: number;
  phases: Record<string, number>;
  nodes: { ready: number; total: number };
  cpu: Omit<Resources, "usage">;
  memory: Omit<Resources, "usage">;
};

// The first page is enough: the totals ride along with it.
const TOTALS: ListParams = { page: 1, pageSize: 1 };

function Totals() {
  const { t } = useTranslation();
  const list = useList<ClusterSummary>("/clustersummary", TOTALS);
  const totals = list.data?.raw.totals as SummaryTotals | undefined;
  const phase = (p: string) => totals?.phases[p] ?? 0;
  return (
    <Gallery hasGutter minWidths={{ default: "14rem" }} className="pf-v6-u-mb-md" data-testid="cluster-totals">
      <Card isCompact>
        <CardTitle component="h2">{t("overview.clusters")}</CardTitle>
        <CardBody>
          <div className="pf-v6-c-title pf-m-2xl">{totals?.clusters ?? "–"}</div>
          <Content component="small">
            {t("overview.phaseCounts", { running: phase("Running"), unknown: phase("Unknown"), integrating: phase("Integrating") })}
          </Content>
        </CardBody>
      </Card>
      <Card isCompact>
        <CardTitle component="h2">{t("overview.nodes")}</CardTitle>
        <CardBody>
          <div className="pf-v6-c-title pf-m-2xl">{totals ? `${totals.nodes.ready} / ${totals.nodes.total}` : "–"}</div>
          <Content component="small">{t("overview.nodesReady")}</Content>
        </CardBody>
      </Card>
      <Card isCompact>
        <CardTitle component="h2">{t("overview.cpu")}</CardTitle>
        <CardBody>
          <UsageBar label={t("overview.cpu")} part={totals?.cpu.requested} whole={totals?.cpu.allocatable} format={cores} />
        </CardBody>
      </Card>
      <Card isCompact>
        <CardTitle component="h2">{t("overview.memory")}</CardTitle>
        <CardBody>
          <UsageBar label={t("overview.memory")} part={totals?.memory.requested} whole={totals?.memory.allocatable} format={bytes} />
        </CardBody>
      </Card>
    </Gallery>
  );
}

/** The overview's first reads, started before it renders (lib/pages.tsx). */
export function prefetch(client: QueryClient) {
  return Promise.all([prefetchList(client, "/clustersummary", TOTALS), prefetchResourceList(client, clusterKind)]);
}

export default function ClustersPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("nav.clusters")}</Title>
      </PageSection>
      <PageSection>
        <Totals />
        <ResourceList kind={clusterKind} />
      </PageSection>
    </>
  );
}
