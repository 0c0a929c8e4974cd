// One workload: its status, replicas and images, the actions GET /me allows,
// and tabs (kept in the address as ?tab=) for its pods (live, from the
// cache), revisions with their diffs and rollback, the timeline, its events
// and its scaling.
import {
  Breadcrumb,
  BreadcrumbItem,
  Card,
  CardBody,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useParams, useSearchParams } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import {
  appPaths,
  appRoutes,
  type KObject,
  selectorString,
  templateContainers,
  workloadKind,
} from "../api/apps.ts";
import { get } from "../api/client.ts";
import { RevisionsTab, type WorkloadRef } from "../apps/RevisionsTab.tsx";
import { TimelineTab } from "../apps/TimelineTab.tsx";
import { ScalingTab } from "../apps/ScalingTab.tsx";
import { WorkloadActions } from "../apps/WorkloadActions.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { LabelList } from "../components/LabelList.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { ResourceList } from "../components/ResourceList.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { eventKind, podKind } from "../kinds/pods.tsx";
import { isStopped, STOPPED_ANNOTATION, statusOf } from "../kinds/workloads.tsx";
import { age } from "../lib/format.ts";
import { workloadReady } from "../lib/objectStatus.ts";

export const WORKLOAD_POLL_MS = 3_000;

export function useWorkload(w: WorkloadRef) {
  return useQuery<KObject, ApiError>({
    queryKey: ["workload", w],
    queryFn: ({ signal }) =>
      get<KObject>(appPaths.object(w.cluster, w.namespace, w.plural, w.name), undefined, signal),
    refetchInterval: WORKLOAD_POLL_MS,
  });
}

function Summary({ w, o }: { w: WorkloadRef; o: KObject }) {
  const { t } = useTranslation();
  const row = (term: string, value: ReactNode) => (
    <DescriptionListGroup key={term}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{value ?? "–"}</DescriptionListDescription>
    </DescriptionListGroup>
  );
  const replicas = ["jobs", "cronjobs"].includes(w.plural) ? undefined : workloadReady(w.plural, o);
  return (
    <Card isPlain>
      <CardBody>
        <DescriptionList isCompact columnModifier={{ lg: "3Col" }}>
          {replicas && row(t("apps.ready"), <span data-testid="workload-ready">{replicas}</span>)}
          {row(
            t("apps.images"),
            <span data-testid="workload-images">
              {templateContainers(o)
                .map((c) => c.image)
                .join(", ")}
            </span>,
          )}
          {o.spec?.schedule && row(t("apps.schedule"), <code>{o.spec.schedule}</code>)}
          {isStopped(o) && row(t("apps.stoppedReplicas"), o.metadata.annotations?.[STOPPED_ANNOTATION])}
          {o.spec?.strategy?.type && row(t("apps.strategy"), o.spec.strategy.type)}
          {row(t("common.age"), age(o.metadata.creationTimestamp))}
          {row(t("common.labels"), <LabelList labels={o.metadata.labels ?? {}} />)}
        </DescriptionList>
      </CardBody>
    </Card>
  );
}

export default function WorkloadPage() {
  const { t } = useTranslation();
  const {
    cluster,
    namespace,
    kind: plural,
    name,
  } = useParams() as { cluster: string; namespace: string; kind: string; name: string };
  const [search, setSearch] = useSearchParams();
  const wk = workloadKind(plural);
  const w: WorkloadRef = { cluster, namespace, plural, name };
  const { data: o, error } = useWorkload(w);
  if (!wk) return <Navigate to={appRoutes.workloads(cluster)} replace />;
  const tabs = [
    "pods",
    ...(wk.revisions ? ["revisions"] : []),
    "timeline",
    "events",
    ...(wk.scalable ? ["scaling"] : []),
  ];
  const tab = tabs.includes(search.get("tab") ?? "") ? search.get("tab")! : "pods";
  const panel = (key: string) => {
    if (!o) return null;
    switch (key) {
      case "pods":
        return (
          <ResourceList
            kind={podKind}
            params={{ cluster, namespace }}
            fixed={{ labelSelector: selectorString(o.spec?.selector) }}
          />
        );
      case "revisions":
        return <RevisionsTab w={w} />;
      case "timeline":
        return <TimelineTab w={w} />;
      case "events":
        return (
          <ResourceList
            kind={eventKind}
            params={{ cluster, namespace }}
            fixed={{ object: `${wk.kind}/${name}` }}
          />
        );
      default:
        return <ScalingTab w={w} wk={wk} o={o} />;
    }
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
              <Link to={appRoutes.workloads(cluster, plural, namespace)}>{t(`apps.kinds.${plural}`)}</Link>
            )}
          />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }}>
          <FlexItem>
            <Title headingLevel="h1">
              {name}{" "}
              <small className="pf-v6-u-font-size-md pf-v6-u-color-200">
                {t(`apps.kind.${plural}`)} · {namespace}
              </small>
            </Title>
            {o && (
              <div className="pf-v6-u-mt-sm" data-testid="workload-status">
                <StatusLabel status={statusOf(plural, o)} />
              </div>
            )}
          </FlexItem>
          <FlexItem>{o && <WorkloadActions w={w} wk={wk} o={o} />}</FlexItem>
        </Flex>
        {o && <Summary w={w} o={o} />}
      </PageSection>
      <PageSection>
        {error && <ErrorAlert error={error} />}
        {!o && !error && <PageLoading />}
        {o && (
          <Tabs
            activeKey={tab}
            aria-label={t("apps.workloadSections", { name })}
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
