// A node: its status and actions (cordon, uncordon, drain, labels, taints),
// details, conditions, pods and events.
import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  Grid,
  GridItem,
  PageSection,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import { get, post } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import type { NodeDetail } from "../api/types.ts";
import { POLL_MS } from "../api/useList.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { LabelList } from "../components/LabelList.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { DrainDialog, NodeLabelsDialog, NodeTaintsDialog } from "../kinds/nodeDialogs.tsx";
import { NodeStatus } from "../kinds/nodes.tsx";
import { age, bytes, cores, relativeTime } from "../lib/format.ts";

function SimpleTable({ label, heads, rows }: { label: string; heads: string[]; rows: ReactNode[][] }) {
  const { t } = useTranslation();
  return (
    <Table aria-label={label} variant="compact">
      <Thead>
        <Tr>
          {heads.map((h) => (
            <Th key={h}>{h}</Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: display rows
          <Tr key={i}>
            {r.map((c, j) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: display cells
              <Td key={j} dataLabel={heads[j]}>
                {c}
              </Td>
            ))}
          </Tr>
        ))}
        {rows.length === 0 && (
          <Tr>
            <Td colSpan={heads.length}>{t("common.none")}</Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  );
}

export default function NodePage() {
  const { t } = useTranslation();
  const can = useCan();
  const notify = useNotify();
  const client = useQueryClient();
  const { cluster, node } = useParams() as { cluster: string; node: string };
  const [dialog, setDialog] = useState<"drain" | "labels" | "taints">();
  const { data: n, error } = useQuery<NodeDetail, ApiError>({
    queryKey: ["node", cluster, node],
    queryFn: ({ signal }) => get<NodeDetail>(paths.node(cluster, node), undefined, signal),
    refetchInterval: POLL_MS,
  });
  const edit = can("nodes.edit", { cluster });
  const cordon = async (on: boolean) => {
    try {
      await post(paths.nodeCordon(cluster, node, on));
      notify("success", t(on ? "node.cordoned" : "node.uncordoned", { name: node }));
      await client.invalidateQueries();
    } catch (e) {
      notify("danger", t("error.actionFailed", { action: t(on ? "node.cordon" : "node.uncordon") }), (e as Error).message);
    }
  };
  const row = (term: string, value: ReactNode) => (
    <DescriptionListGroup key={term}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value ?? "–"}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  const clusterPath = `/clusters/${encodeURIComponent(cluster)}`;
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={clusterPath}>{cluster}</Link>} />
          <BreadcrumbItem render={() => <Link to={`${clusterPath}/nodes`}>{t("nav.nodes")}</Link>} />
          <BreadcrumbItem isActive>{node}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }}>
          <FlexItem>
            <Title headingLevel="h1">{node}</Title>
            {n && (
              <div className="pf-v6-u-mt-sm">
                <NodeStatus node={n} />
              </div>
            )}
          </FlexItem>
          {edit && n && (
            <FlexItem>
              <Flex gap={{ default: "gapSm" }}>
                <Button variant="secondary" onClick={() => cordon(!n.unschedulable)}>
                  {t(n.unschedulable ? "node.uncordon" : "node.cordon")}
                </Button>
                <Button variant="secondary" onClick={() => setDialog("drain")}>
                  {t("node.drain")}
                </Button>
                <Button variant="secondary" onClick={() => setDialog("labels")}>
                  {t("node.editLabels")}
                </Button>
                <Button variant="secondary" onClick={() => setDialog("taints")}>
                  {t("node.editTaints")}
                </Button>
              </Flex>
            </FlexItem>
          )}
        </Flex>
      </PageSection>
      <PageSection>
        {error && <ErrorAlert error={error} />}
        {!n && !error && <PageLoading />}
        {n && (
          <Grid hasGutter>
            <GridItem lg={5}>
              <Card>
                <CardTitle component="h2">{t("overview.details")}</CardTitle>
                <CardBody>
                  <DescriptionList isHorizontal isCompact>
                    {row(t("node.roles"), n.roles.join(", ") || "–")}
                    {row(t("node.version"), n.version)}
                    {row(t("node.internalIP"), n.internalIP)}
                    {row(t("node.os"), [n.nodeInfo.osImage, n.nodeInfo.architecture].filter(Boolean).join(", "))}
                    {row(t("node.runtime"), n.nodeInfo.containerRuntimeVersion)}
                    {row(t("node.cpu"), `${cores(n.usage?.cpu)} / ${cores(n.allocatable?.cpu)} (${t("node.capacity")} ${cores(n.capacity?.cpu)})`)}
                    {row(t("node.memory"), `${bytes(n.usage?.memory)} / ${bytes(n.allocatable?.memory)} (${t("node.capacity")} ${bytes(n.capacity?.memory)})`)}
                    {row(t("node.pods"), `${n.pods} / ${n.allocatable?.pods ?? "–"}`)}
                    {row(t("common.age"), age(n.creationTimestamp))}
                    {row(t("common.labels"), <LabelList labels={n.labels} max={6} />)}
                    {row(
                      t("node.taints"),
                      n.taints.length ? n.taints.map((x) => `${x.key}${x.value ? `=${x.value}` : ""}:${x.effect}`).join(", ") : t("common.none"),
                    )}
                  </DescriptionList>
                </CardBody>
              </Card>
            </GridItem>
            <GridItem lg={7}>
              <Card>
                <CardTitle component="h2">{t("node.podsOnNode", { count: n.podList.length })}</CardTitle>
                <CardBody>
                  <SimpleTable
                    label={t("node.podsOnNode", { count: n.podList.length })}
                    heads={[t("common.namespace"), t("common.name"), t("common.status"), t("node.podIP"), t("common.age")]}
                    rows={n.podList.map((p) => [p.namespace, p.name, <StatusLabel key="s" status={p.phase} />, p.podIP ?? "", age(p.creationTimestamp)])}
                  />
                </CardBody>
              </Card>
            </GridItem>
            <GridItem lg={12}>
              <Card>
                <CardTitle component="h2">{t("node.conditions")}</CardTitle>
                <CardBody>
                  <SimpleTable
                    label={t("node.conditions")}
                    heads={[t("node.condition"), t("common.status"), t("node.reason"), t("overview.message"), t("node.changed")]}
                    rows={n.conditions.map((c) => [c.type, c.status, c.reason ?? "", c.message ?? "", relativeTime(c.lastTransitionTime)])}
                  />
                </CardBody>
              </Card>
            </GridItem>
            <GridItem lg={12}>
              <Card>
                <CardTitle component="h2">{t("node.events")}</CardTitle>
                <CardBody>
                  <SimpleTable
                    label={t("node.events")}
                    heads={[t("node.type"), t("node.reason"), t("overview.message"), t("overview.when")]}
                    rows={n.events.map((e) => [e.type ?? "", e.reason ?? "", e.message ?? "", relativeTime(e.lastTimestamp)])}
                  />
                </CardBody>
              </Card>
            </GridItem>
          </Grid>
        )}
      </PageSection>
      {dialog === "drain" && <DrainDialog cluster={cluster} node={node} onClose={() => setDialog(undefined)} />}
      {dialog === "labels" && n && <NodeLabelsDialog cluster={cluster} node={node} labels={n.labels} onClose={() => setDialog(undefined)} />}
      {dialog === "taints" && n && <NodeTaintsDialog cluster={cluster} node={node} taints={n.taints} onClose={() => setDialog(undefined)} />}
    </>
  );
}
