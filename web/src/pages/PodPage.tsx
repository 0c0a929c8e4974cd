// One pod: its status, node and owner, its containers (state, ready,
// restarts, image), and tabs (?tab=) for the containers, the log followed
// live, and a terminal (offered where GET /me allows exec).
import {
  Breadcrumb,
  BreadcrumbItem,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  FormSelect,
  FormSelectOption,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, appRoutes, type ContainerView, type KObject } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { PodLogs } from "../apps/PodLogs.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { age } from "../lib/format.ts";
import { podStatus } from "../lib/objectStatus.ts";

const PodTerminal = lazy(() => import("../apps/PodTerminal.tsx"));

const POLL_MS = 5_000;

function Containers({ items }: { items: ContainerView[] }) {
  const { t } = useTranslation();
  return (
    <Table aria-label={t("apps.containers")} variant="compact" data-testid="containers">
      <Thead>
        <Tr>
          <Th>{t("common.name")}</Th>
          <Th>{t("node.type")}</Th>
          <Th>{t("common.status")}</Th>
          <Th>{t("apps.ready")}</Th>
          <Th>{t("search.restarts")}</Th>
          <Th>{t("apps.image")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {items.map((c) => (
          <Tr key={c.name} data-row={c.name}>
            <Td dataLabel={t("common.name")}>{c.name}</Td>
            <Td dataLabel={t("node.type")}>{t(`apps.containerType.${c.type}`)}</Td>
            <Td dataLabel={t("common.status")}>
              <StatusLabel status={c.reason ?? (c.state || "Unknown")} />
            </Td>
            <Td dataLabel={t("apps.ready")}>{c.ready ? t("common.yes") : t("common.no")}</Td>
            <Td dataLabel={t("search.restarts")}>{c.restartCount}</Td>
            <Td dataLabel={t("apps.image")}>
              <code>{c.image}</code>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

function TerminalTab({
  cluster,
  namespace,
  pod,
  containers,
}: {
  cluster: string;
  namespace: string;
  pod: string;
  containers: ContainerView[];
}) {
  const { t } = useTranslation();
  const running = containers.filter((c) => c.state === "Running");
  const [container, setContainer] = useState(running[0]?.name ?? containers[0]?.name ?? "");
  return (
    <>
      <FormSelect
        id="terminal-container"
        aria-label={t("apps.container")}
        value={container}
        onChange={(_e, v) => setContainer(v)}
        className="pf-v6-u-mb-sm"
        style={{ maxWidth: "20rem" }}
      >
        {containers.map((c) => (
          <FormSelectOption key={c.name} value={c.name} label={c.name} />
        ))}
      </FormSelect>
      <Suspense fallback={<PageLoading />}>
        <PodTerminal
          key={container}
          cluster={cluster}
          namespace={namespace}
          pod={pod}
          container={container}
        />
      </Suspense>
    </>
  );
}

export default function PodPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { cluster, namespace, name } = useParams() as { cluster: string; namespace: string; name: string };
  const [search, setSearch] = useSearchParams();
  const pod = useQuery<KObject, ApiError>({
    queryKey: ["pod", cluster, namespace, name],
    queryFn: ({ signal }) => get<KObject>(appPaths.pod(cluster, namespace, name), undefined, signal),
    refetchInterval: POLL_MS,
  });
  const containers = useQuery<{ items: ContainerView[] }, ApiError>({
    queryKey: ["podContainers", cluster, namespace, name],
    queryFn: ({ signal }) => get(appPaths.containers(cluster, namespace, name), undefined, signal),
    refetchInterval: POLL_MS,
  });
  const exec = can("exec", { cluster, namespace });
  const tabs = ["containers", "logs", ...(exec ? ["terminal"] : [])];
  const tab = tabs.includes(search.get("tab") ?? "") ? search.get("tab")! : "containers";
  const o = pod.data;
  const items = containers.data?.items ?? [];
  const owner = o?.metadata.ownerReferences?.[0];
  const row = (term: string, value: ReactNode) => (
    <DescriptionListGroup key={term}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value ?? "–"}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  const panel = (k: string) => {
    if (k === "logs")
      return <PodLogs cluster={cluster} namespace={namespace} pod={name} containers={items} />;
    if (k === "terminal")
      return <TerminalTab cluster={cluster} namespace={namespace} pod={name} containers={items} />;
    return <Containers items={items} />;
  };
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem
            render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>}
          />
          <BreadcrumbItem
            render={() => (
              <Link to={appRoutes.workloads(cluster, "deployments", namespace)}>{t("apps.workloads")}</Link>
            )}
          />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">
          {name}{" "}
          <small className="pf-v6-u-font-size-md pf-v6-u-color-200">
            {t("apps.kind.pods")} · {namespace}
          </small>
        </Title>
        {o && (
          <div className="pf-v6-u-mt-sm" data-testid="pod-status">
            <StatusLabel status={podStatus(o)} />
          </div>
        )}
        {o && (
          <DescriptionList className="pf-v6-u-mt-md" isCompact columnModifier={{ lg: "3Col" }}>
            {row(t("search.node"), o.spec?.nodeName)}
            {row(t("node.podIP"), o.status?.podIP)}
            {row(t("apps.owner"), owner ? `${owner.kind}/${owner.name}` : undefined)}
            {row(t("common.age"), age(o.metadata.creationTimestamp))}
          </DescriptionList>
        )}
      </PageSection>
      <PageSection>
        {pod.error && <ErrorAlert error={pod.error} />}
        {containers.error && !pod.error && <ErrorAlert error={containers.error} />}
        {!containers.data && !containers.error && <PageLoading />}
        {containers.data && (
          <Tabs
            activeKey={tab}
            aria-label={t("apps.podSections", { name })}
            mountOnEnter
            unmountOnExit
            onSelect={(_e, k) => setSearch({ tab: String(k) }, { replace: true })}
          >
            {tabs.map((k) => (
              <Tab key={k} eventKey={k} title={<TabTitleText>{t(`apps.tab.${k}`)}</TabTitleText>}>
                {k === tab && <div className="pf-v6-u-pt-md">{panel(k)}</div>}
              </Tab>
            ))}
          </Tabs>
        )}
      </PageSection>
    </>
  );
}
