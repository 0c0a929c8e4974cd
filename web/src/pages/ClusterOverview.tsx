// A cluster's overview: charts of CPU and memory (requested and, where
// metrics.k8s.io is served, used, against allocatable), its details, and its
// recent warning events. An Unknown cluster's summary is its last one,
// marked stale with its time.
import {
  Alert,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Gallery,
  Grid,
  GridItem,
} from "@patternfly/react-core";
import { ChartDonutUtilization, ChartThemeColor } from "@patternfly/react-charts/victory";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useOutletContext } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import { get } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import type { ClusterSummary } from "../api/types.ts";
import { POLL_MS } from "../api/useList.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { LabelList } from "../components/LabelList.tsx";
import { bytes, cores, dateTime, percent, relativeTime } from "../lib/format.ts";
import type { ClusterOutlet } from "./ClusterPage.tsx";

function Donut({ id, title, part, whole, format }: { id: string; title: string; part: number | null | undefined; whole: number | undefined; format: (n: number) => string }) {
  const { t } = useTranslation();
  const p = percent(part, whole);
  const text = part === null || part === undefined ? t("overview.noMetrics") : `${format(part)} / ${format(whole ?? 0)}`;
  return (
    <Card isCompact data-testid={`chart-${id}`}>
      <CardTitle component="h2">{title}</CardTitle>
      <CardBody>
        <div style={{ height: 180, width: 180 }}>
          <ChartDonutUtilization
            ariaTitle={title}
            ariaDesc={text}
            constrainToVisibleArea
            data={{ x: title, y: part === null || part === undefined ? 0 : p }}
            labels={({ datum }) => (datum.x ? `${datum.x}: ${datum.y}%` : "")}
            title={part === null || part === undefined ? "–" : `${p}%`}
            subTitle={text}
            thresholds={[{ value: 80 }, { value: 95 }]}
            themeColor={ChartThemeColor.blue}
            height={180}
            width={180}
            name={id}
          />
        </div>
      </CardBody>
    </Card>
  );
}

export default function ClusterOverview() {
  const { t } = useTranslation();
  const { cluster, object } = useOutletContext<ClusterOutlet>();
  const { data: s, error } = useQuery<ClusterSummary, ApiError>({
    queryKey: ["summary", cluster],
    queryFn: ({ signal }) => get<ClusterSummary>(paths.clusterSummary(cluster), undefined, signal),
    refetchInterval: POLL_MS,
  });
  if (error) return <ErrorAlert error={error} />;
  const row = (term: string, value: React.ReactNode) => (
    <DescriptionListGroup key={term}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value ?? "–"}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  return (
    <>
      {s?.stale && (
        <Alert variant="warning" isInline title={t("overview.staleTitle")} className="pf-v6-u-mb-md" data-testid="summary-stale">
          {t("overview.staleBody", { time: dateTime(s.computedAt ?? s.lastSeen) })}
        </Alert>
      )}
      <Gallery hasGutter minWidths={{ default: "14rem" }} className="pf-v6-u-mb-md">
        <Donut id="cpu-requested" title={t("overview.cpuRequested")} part={s?.cpu?.requested} whole={s?.cpu?.allocatable} format={cores} />
        <Donut id="memory-requested" title={t("overview.memoryRequested")} part={s?.memory?.requested} whole={s?.memory?.allocatable} format={bytes} />
        <Donut id="cpu-used" title={t("overview.cpuUsed")} part={s?.cpu?.usage} whole={s?.cpu?.allocatable} format={cores} />
        <Donut id="memory-used" title={t("overview.memoryUsed")} part={s?.memory?.usage} whole={s?.memory?.allocatable} format={bytes} />
      </Gallery>
      <Grid hasGutter>
        <GridItem lg={5}>
          <Card>
            <CardTitle component="h2">{t("overview.details")}</CardTitle>
            <CardBody>
              <DescriptionList isHorizontal isCompact>
                {row(t("cluster.version"), s?.version ?? object?.status.kubernetesVersion)}
                {row(t("cluster.provider"), s?.provider ?? object?.spec.provider)}
                {row(t("cluster.nodesReady"), s?.nodes ? `${s.nodes.ready} / ${s.nodes.total}` : undefined)}
                {row(t("overview.pods"), s?.pods)}
                {row(t("nav.namespaces"), s?.namespaces)}
                {row(t("overview.cpuCapacity"), s?.cpu ? `${cores(s.cpu.allocatable)} / ${cores(s.cpu.capacity)}` : undefined)}
                {row(t("overview.memoryCapacity"), s?.memory ? `${bytes(s.memory.allocatable)} / ${bytes(s.memory.capacity)}` : undefined)}
                {row(t("overview.lastSeen"), object?.status.lastSeen ? relativeTime(object.status.lastSeen) : undefined)}
                {row(t("overview.latency"), object?.status.latencyMs !== undefined ? `${object.status.latencyMs} ms` : undefined)}
                {row(t("overview.credential"), object?.spec.credentialSource)}
                {object?.status.credentialExpiresAt && row(t("overview.credentialExpires"), dateTime(object.status.credentialExpiresAt))}
                {row(t("cluster.deletionProtection"), object ? t(object.spec.deletionProtection ? "common.on" : "common.off") : undefined)}
                {row(t("common.labels"), <LabelList labels={object?.metadata.labels} max={5} />)}
                {row(t("common.created"), dateTime(object?.metadata.creationTimestamp))}
              </DescriptionList>
            </CardBody>
          </Card>
        </GridItem>
        <GridItem lg={7}>
          <Card>
            <CardTitle component="h2">{t("overview.warnings")}</CardTitle>
            <CardBody>
              <Table aria-label={t("overview.warnings")} variant="compact">
                <Thead>
                  <Tr>
                    <Th width={25}>{t("overview.object")}</Th>
                    <Th width={15}>{t("node.reason")}</Th>
                    <Th width={45}>{t("overview.message")}</Th>
                    <Th width={15}>{t("overview.when")}</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {(s?.warningEvents ?? []).map((w, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: events carry no identity in the summary
                    <Tr key={i}>
                      <Td dataLabel={t("overview.object")} modifier="breakWord">{[w.namespace, `${w.kind ?? ""}/${w.name ?? ""}`].filter(Boolean).join(" ")}</Td>
                      <Td dataLabel={t("node.reason")}>{w.reason}</Td>
                      <Td dataLabel={t("overview.message")} modifier="breakWord">{w.message}</Td>
                      <Td dataLabel={t("overview.when")}>
                        {relativeTime(w.lastTimestamp)}
                        {w.count && w.count > 1 ? ` (×${w.count})` : ""}
                      </Td>
                    </Tr>
                  ))}
                  {s && !s.warningEvents?.length && (
                    <Tr>
                      <Td colSpan={4}>{t("overview.noWarnings")}</Td>
                    </Tr>
                  )}
                </Tbody>
              </Table>
            </CardBody>
          </Card>
        </GridItem>
      </Grid>
    </>
  );
}
