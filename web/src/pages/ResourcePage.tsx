// One Service, Ingress, ConfigMap, Secret or PersistentVolumeClaim: what
// `kubectl get` prints of it, and tabs (kept as ?tab=) for its data (a
// Secret's values hidden until revealed), the workloads that use it
// (ConfigMaps and Secrets), its YAML (read-only; editing is the YAML editor's
// page, with its dry run and diff) and its events. Edit and delete only
// where GET /me allows workloads.edit in its namespace.
import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
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
import { lazy, type ReactNode, Suspense, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { stringify } from "yaml";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, appRoutes, type KObject } from "../api/apps.ts";
import { del, get } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { LabelList } from "../components/LabelList.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { ResourceList } from "../components/ResourceList.tsx";
import { eventKind } from "../kinds/pods.tsx";
import { age } from "../lib/format.ts";
import { DataTab, withoutValues } from "../resources/DataTab.tsx";
import {
  configMapDataCount,
  ingressAddress,
  ingressClass,
  ingressHosts,
  ingressPorts,
  pvcCells,
  type ResourcePlural,
  resourceRoutes,
  serviceClusterIP,
  serviceExternalIP,
  servicePorts,
} from "../resources/model.ts";
import { RelatedWorkloads } from "../resources/RelatedWorkloads.tsx";

const CodeEditor = lazy(() => import("../components/CodeEditor.tsx"));

export const RESOURCE_POLL_MS = 5_000;

/** The summary rows of each kind: kubectl get's columns, as [i18n key, value]. */
function facts(plural: ResourcePlural, o: KObject): [string, ReactNode][] {
  const selector = Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  switch (plural) {
    case "services":
      return [
        ["resources.col.type", o.spec?.type ?? "ClusterIP"],
        ["resources.col.clusterIP", serviceClusterIP(o)],
        ["resources.col.externalIP", serviceExternalIP(o)],
        ["resources.col.ports", servicePorts(o)],
        ["resources.col.selector", selector || "<none>"],
      ];
    case "ingresses":
      return [
        ["resources.col.class", ingressClass(o)],
        ["resources.col.hosts", ingressHosts(o)],
        ["resources.col.address", ingressAddress(o) || "–"],
        ["resources.col.ports", ingressPorts(o)],
      ];
    case "configmaps":
      return [["resources.col.data", configMapDataCount(o)]];
    case "secrets":
      return [
        ["resources.col.type", String(o.type ?? "")],
        ["resources.col.data", Object.keys(o.data ?? {}).length],
      ];
    case "persistentvolumeclaims": {
      const c = pvcCells(o);
      return [
        ["common.status", c.status],
        ["resources.col.volume", c.volume || "–"],
        ["resources.col.capacity", c.capacity || "–"],
        ["resources.col.accessModes", c.accessModes || "–"],
        ["resources.col.storageClass", c.storageClass || "–"],
      ];
    }
  }
}

function Summary({ plural, o }: { plural: ResourcePlural; o: KObject }) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    ...facts(plural, o),
    ["common.age", age(o.metadata.creationTimestamp)],
    ["common.labels", <LabelList key="l" labels={o.metadata.labels ?? {}} />],
  ];
  return (
    <Card isPlain>
      <CardBody>
        <DescriptionList isCompact columnModifier={{ lg: "3Col" }} data-testid="resource-summary">
          {rows.map(([term, value]) => (
            <DescriptionListGroup key={term}>
              <DescriptionListTerm>{t(term)}</DescriptionListTerm>
              <DescriptionListDescription>{value}</DescriptionListDescription>
            </DescriptionListGroup>
          ))}
        </DescriptionList>
      </CardBody>
    </Card>
  );
}

/** The object as its YAML tab shows it: without managedFields and the list's cluster field. */
function shownYaml(o: KObject): string {
  const { cluster: _c, ...rest } = o;
  const { managedFields: _m, ...metadata } = o.metadata;
  return stringify({ ...rest, metadata });
}

export default function ResourcePage({ plural }: { plural: ResourcePlural }) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { cluster, namespace, name } = useParams() as { cluster: string; namespace: string; name: string };
  const [search, setSearch] = useSearchParams();
  const [deleting, setDeleting] = useState(false);
  const secret = plural === "secrets";
  const { data: o, error } = useQuery<KObject, ApiError>({
    queryKey: ["resource", cluster, namespace, plural, name],
    // A Secret's values stay out of the page until one is revealed (DataTab).
    queryFn: async ({ signal }) => {
      const got = await get<KObject>(appPaths.object(cluster, namespace, plural, name), undefined, signal);
      return secret ? withoutValues(got) : got;
    },
    refetchInterval: RESOURCE_POLL_MS,
  });
  const editable = can("workloads.edit", { cluster, namespace });
  const tabs = [
    ...(plural === "configmaps" || secret ? ["data", "related"] : []),
    "yaml",
    "events",
  ];
  const tab = tabs.includes(search.get("tab") ?? "") ? search.get("tab")! : tabs[0];
  const panel = (key: string, obj: KObject) => {
    switch (key) {
      case "data":
        return <DataTab cluster={cluster} namespace={namespace} name={name} o={obj} secret={secret} />;
      case "related":
        return <RelatedWorkloads cluster={cluster} namespace={namespace} plural={plural} name={name} />;
      case "yaml":
        return (
          <Suspense fallback={<PageLoading />}>
            <CodeEditor value={shownYaml(obj)} readOnly label={t("apps.yamlEditor")} />
          </Suspense>
        );
      default:
        return <ResourceList kind={eventKind} params={{ cluster, namespace }} fixed={{ object: `${obj.kind}/${name}` }} />;
    }
  };
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>} />
          <BreadcrumbItem render={() => <Link to={resourceRoutes.list(cluster, plural, namespace)}>{t(`kinds.${plural}`)}</Link>} />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }}>
          <FlexItem>
            <Title headingLevel="h1">
              {name}{" "}
              <small className="pf-v6-u-font-size-md pf-v6-u-color-200">
                {t(`resources.kind.${plural}`)} · {namespace}
              </small>
            </Title>
          </FlexItem>
          {editable && o && (
            <FlexItem>
              <Flex gap={{ default: "gapSm" }}>
                <Button variant="secondary" onClick={() => navigate(appRoutes.edit(cluster, namespace, plural, name))}>
                  {t("apps.editYaml")}
                </Button>
                <Button variant="danger" onClick={() => setDeleting(true)}>
                  {t("common.delete")}
                </Button>
              </Flex>
            </FlexItem>
          )}
        </Flex>
        {o && <Summary plural={plural} o={o} />}
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
              <Tab key={k} eventKey={k} title={<TabTitleText>{t(`resources.tab.${k}`)}</TabTitleText>}>
                {k === tab && <div className="pf-v6-u-pt-md">{panel(k, o)}</div>}
              </Tab>
            ))}
          </Tabs>
        )}
      </PageSection>
      {deleting && (
        <ConfirmDialog
          title={t("resources.deleteTitle", { kind: t(`resources.kind.${plural}`), name })}
          body={<Trans i18nKey="resources.deleteBody" values={{ name }} components={{ b: <strong /> }} />}
          confirmLabel={t("common.delete")}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await del(appPaths.object(cluster, namespace, plural, name));
            navigate(resourceRoutes.list(cluster, plural, namespace));
          }}
        />
      )}
    </>
  );
}
