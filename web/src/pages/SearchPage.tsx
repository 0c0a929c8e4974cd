// Global search: objects whose name contains the query, across every cluster
// the user may see, grouped by kind, from the cache's cross-cluster lists
// (/asl/<resource>, issue 11). A result opens the object's page, or its YAML
// where no page exists yet.
import { Alert, Card, CardBody, CardTitle, Content, PageSection, Stack, StackItem, Title } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { paths } from "../api/paths.ts";
import { useList } from "../api/useList.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { age } from "../lib/format.ts";

/** The kinds searched, in the order their groups are shown: [resource, group/version path part]. */
export const SEARCHED: { resource: string; api: string }[] = [
  { resource: "pods", api: "api/v1" },
  { resource: "deployments", api: "apis/apps/v1" },
  { resource: "statefulsets", api: "apis/apps/v1" },
  { resource: "daemonsets", api: "apis/apps/v1" },
  { resource: "jobs", api: "apis/batch/v1" },
  { resource: "cronjobs", api: "apis/batch/v1" },
  { resource: "services", api: "api/v1" },
  { resource: "ingresses", api: "apis/networking.k8s.io/v1" },
  { resource: "configmaps", api: "api/v1" },
  { resource: "secrets", api: "api/v1" },
  { resource: "persistentvolumeclaims", api: "api/v1" },
  { resource: "namespaces", api: "api/v1" },
  { resource: "nodes", api: "api/v1" },
];

type Found = { cluster: string; namespace?: string; name: string; created?: string };

/** An /asl item, as an object with the kpanda.io/cluster annotation or wrapped with its cluster. */
function found(item: any): Found {
  const o = item?.object ?? item;
  const md = o?.metadata ?? {};
  return {
    cluster: item?.cluster ?? md.annotations?.["kpanda.io/cluster"] ?? "",
    namespace: item?.namespace || md.namespace || undefined,
    name: item?.name ?? md.name ?? "",
    created: md.creationTimestamp,
  };
}

/** Where a result opens: the object's page where there is one, else its YAML. */
export function resultLink(resource: string, api: string, f: Found): string {
  const c = encodeURIComponent(f.cluster);
  if (resource === "nodes") return `/clusters/${c}/nodes/${encodeURIComponent(f.name)}`;
  if (resource === "namespaces") return `/clusters/${c}/namespaces`;
  const path = `/${api}/${f.namespace ? `namespaces/${f.namespace}/` : ""}${resource}/${f.name}`;
  return `/clusters/${c}/yaml?path=${encodeURIComponent(path)}`;
}

function Group({ q, resource, api }: { q: string; resource: string; api: string }) {
  const { t } = useTranslation();
  const list = useList<unknown>(paths.asl(resource), { page: 1, pageSize: 10, fuzzySearch: q }, { live: false });
  if (list.error?.code === 404 || !list.data?.items.length) return null;
  const items = list.data.items.map(found);
  const title = t(`kinds.${resource}`, { defaultValue: resource });
  return (
    <StackItem>
      <Card data-testid={`search-${resource}`}>
        <CardTitle component="h2">{t("search.group", { kind: title, count: list.data.total })}</CardTitle>
        <CardBody>
          <Table aria-label={title} variant="compact">
            <Thead>
              <Tr>
                <Th>{t("common.name")}</Th>
                <Th>{t("common.cluster")}</Th>
                <Th>{t("common.namespace")}</Th>
                <Th>{t("common.age")}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((f) => (
                <Tr key={`${f.cluster}/${f.namespace}/${f.name}`}>
                  <Td dataLabel={t("common.name")}>
                    <Link to={resultLink(resource, api, f)}>{f.name}</Link>
                  </Td>
                  <Td dataLabel={t("common.cluster")}>{f.cluster}</Td>
                  <Td dataLabel={t("common.namespace")}>{f.namespace ?? "–"}</Td>
                  <Td dataLabel={t("common.age")}>{age(f.created)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </CardBody>
      </Card>
    </StackItem>
  );
}

export default function SearchPage() {
  const { t } = useTranslation();
  const q = useSearchParams()[0].get("q")?.trim() ?? "";
  // The first kind tells whether the cache's lists are served at all.
  const probe = useList<unknown>(q ? paths.asl("pods") : undefined, { page: 1, pageSize: 1, fuzzySearch: q }, { live: false });
  const unavailable = probe.error?.code === 404;
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{q ? t("search.resultsFor", { q }) : t("search.title")}</Title>
      </PageSection>
      <PageSection>
        {!q && <Content component="p">{t("search.hint")}</Content>}
        {q && probe.isLoading && <PageLoading />}
        {unavailable && <Alert isInline variant="info" title={t("search.unavailable")} />}
        {probe.error && !unavailable && <ErrorAlert error={probe.error} />}
        {q && probe.data && (
          <Stack hasGutter>
            {SEARCHED.map((k) => (
              <Group key={k.resource} q={q} resource={k.resource} api={k.api} />
            ))}
          </Stack>
        )}
      </PageSection>
    </>
  );
}
