// One kind's search results: a table sorted and paged on the server, kept
// live through the list's server-sent events, with the kind's columns, a
// banner naming the clusters whose data is stale, and links to each object's
// cluster, namespace and page.
import { Alert, Skeleton } from "@patternfly/react-core";
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type ListParams, type SortDir, useList } from "../api/useList.ts";
import { ageColumn, type Found, resultLink, type SearchColumn, type SearchKind, searchPath, toFound } from "../kinds/searchKinds.tsx";
import { type SearchState, searchFilters } from "../lib/searchState.ts";
import { EmptyList } from "./EmptyList.tsx";
import { ErrorAlert } from "./ErrorAlert.tsx";
import { Highlight } from "./Highlight.tsx";
import { ListPagination } from "./ListPagination.tsx";
import { StaleBanner } from "./StaleBanner.tsx";
import { StaleMarker } from "./StaleMarker.tsx";

type Props = { kind: SearchKind; state: SearchState; change: (patch: Partial<SearchState>) => void };

const clusterPage = (c: string) => `/clusters/${encodeURIComponent(c)}`;

/** Name, cluster (marked where its data is stale) and namespace, the kind's own columns, then age. */
function columnsOf(kind: SearchKind, q: string, stale: ReadonlyMap<string, string | undefined>): SearchColumn[] {
  const name: SearchColumn = {
    id: "name",
    title: "common.name",
    sortKey: "name",
    render: (o) => (
      <Link to={resultLink(kind, o)}>
        <Highlight text={o.metadata.name} q={q} />
      </Link>
    ),
  };
  const cluster: SearchColumn = {
    id: "cluster",
    title: "common.cluster",
    sortKey: "cluster",
    render: (o) => (
      <>
        <Link to={clusterPage(o.cluster)}>{o.cluster}</Link> {stale.has(o.cluster) && <StaleMarker since={stale.get(o.cluster)} />}
      </>
    ),
  };
  const namespace: SearchColumn = {
    id: "namespace",
    title: "common.namespace",
    sortKey: "namespace",
    render: (o) => (o.metadata.namespace ? <Link to={`${clusterPage(o.cluster)}/namespaces`}>{o.metadata.namespace}</Link> : "–"),
  };
  return [name, cluster, ...(kind.namespaced ? [namespace] : []), ...kind.columns, ageColumn];
}

/** The query of a kind's table: the address's page, order and filters. */
export const tableParams = (state: SearchState): ListParams => ({
  page: state.page,
  pageSize: state.pageSize,
  sortBy: state.sortBy,
  sortDir: state.sortDir,
  fuzzySearch: state.q,
  labelSelector: state.labelSelector,
  filters: searchFilters(state),
});

export function SearchTable({ kind, state, change }: Props) {
  const { t } = useTranslation();
  const path = searchPath(kind);
  const title = t(`kinds.${kind.resource}`);
  const list = useList<unknown>(path, tableParams(state));
  if (list.error?.code === 404) return <Alert isInline variant="info" title={t("search.unavailable")} />;
  const data = list.data;
  const columns = columnsOf(kind, state.q, new Map((data?.stale ?? []).map((f) => [f.cluster, f.since])));
  const items: Found[] = (data?.items ?? []).map((i) => toFound(i));
  const filtered = !!(state.q || state.labelSelector || Object.values(state.filters).some(Boolean));
  const sortOf = (index: number, key?: string) =>
    key
      ? {
          // Unsorted, the server orders by name.
          sortBy: { index: columns.findIndex((c) => c.sortKey === (state.sortBy ?? "name")), direction: state.sortDir },
          onSort: (_e: unknown, _i: number, dir: SortDir) => change({ sortBy: key, sortDir: dir }),
          columnIndex: index,
        }
      : undefined;
  const pagination = (variant: "top" | "bottom") => (
    <ListPagination
      what={title}
      total={data?.total ?? 0}
      page={state.page}
      pageSize={state.pageSize}
      onPage={(page) => change({ page })}
      onPageSize={(pageSize) => change({ pageSize })}
      variant={variant}
      perPageOptions={[10, 20, 50, 100, 500]}
    />
  );
  return (
    <div data-testid="search-results" data-kind={kind.resource} data-live={list.mode} data-events={list.events} data-loading={list.isFetching ? "true" : "false"}>
      <StaleBanner stale={data?.stale ?? []} />
      {list.error && <ErrorAlert error={list.error} />}
      <div className="pf-v6-u-display-flex pf-v6-u-justify-content-space-between pf-v6-u-align-items-center">
        <span data-testid="search-total">{data ? t("search.total", { count: data.total, kind: title }) : ""}</span>
        {pagination("top")}
      </div>
      <InnerScrollContainer>
        <Table aria-label={title} variant="compact">
          <Thead>
            <Tr>
              {columns.map((c, i) => (
                <Th key={c.id} sort={sortOf(i, c.sortKey)} modifier="wrap">
                  {t(c.title)}
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {!data &&
              list.isLoading &&
              [0, 1, 2].map((r) => (
                <Tr key={r}>
                  {columns.map((c, i) => (
                    <Td key={c.id}>
                      <Skeleton screenreaderText={r === 0 && i === 0 ? t("common.loading") : undefined} />
                    </Td>
                  ))}
                </Tr>
              ))}
            {items.map((o) => (
              <Tr key={`${o.cluster}/${o.metadata.namespace ?? ""}/${o.metadata.name}`} data-row={`${o.cluster}/${o.metadata.namespace ?? ""}/${o.metadata.name}`}>
                {columns.map((c) => (
                  <Td key={c.id} dataLabel={t(c.title)}>
                    {c.render(o)}
                  </Td>
                ))}
              </Tr>
            ))}
            {data && items.length === 0 && (
              <Tr>
                <Td colSpan={columns.length}>
                  <EmptyList what={title} filtered={filtered} onClear={() => change({ q: "", labelSelector: "", filters: {} })} />
                </Td>
              </Tr>
            )}
          </Tbody>
        </Table>
      </InnerScrollContainer>
      {pagination("bottom")}
    </div>
  );
}
