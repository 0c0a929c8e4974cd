// The shared list view of every kind: a toolbar (search, label selector,
// filters, the kind's create actions), a PatternFly table whose sorting and
// paging happen on the server, row actions offered only where GET /me allows
// them, and loading, empty, error and stale states. The list follows the
// server live (useList).
import { Alert, Button, Skeleton, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import {
  ActionsColumn,
  type IAction,
  InnerScrollContainer,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
} from "@patternfly/react-table";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useCan } from "../api/me.ts";
import { type ListParams, prefetchList, type SortDir, useList } from "../api/useList.ts";
import type { KindDescription, Params, RowAction, ToolbarAction } from "../kinds/types.ts";
import { dateTime } from "../lib/format.ts";
import { EmptyList } from "./EmptyList.tsx";
import { ErrorAlert } from "./ErrorAlert.tsx";
import { ListFilters, type FilterState } from "./ListFilters.tsx";
import { ListPagination } from "./ListPagination.tsx";
import { useNotify } from "./Notifications.tsx";

type Props<T> = {
  kind: KindDescription<T>;
  params?: Params;
  /** Extra toolbar content, before the actions. */
  toolbar?: ReactNode;
  /** Fixed query parameters (a user filter, a cluster). */
  fixed?: Fixed;
};

type Fixed = Record<string, string | undefined>;
type Sort = { by?: string; dir: SortDir };
const NO_FILTERS: FilterState = { search: "", labelSelector: "", values: {} };

/** The query of a list: page, order and filters, narrowed by the fixed ones. */
function listParamsOf(page: number, pageSize: number, sort: Sort, filters: FilterState, fixed?: Fixed): ListParams {
  return {
    page,
    pageSize,
    sortBy: sort.by,
    sortDir: sort.dir,
    fuzzySearch: filters.search,
    // A fixed label selector (a workload's pods) narrows whatever the user types.
    labelSelector: [fixed?.labelSelector, filters.labelSelector].filter((x) => x?.trim()).join(","),
    filters: { ...filters.values, ...fixed, labelSelector: undefined },
  };
}

const firstSort = <T,>(kind: KindDescription<T>): Sort => ({ by: kind.defaultSort?.by, dir: kind.defaultSort?.dir ?? "asc" });

/** Starts reading the page a ResourceList of `kind` first shows: its first page in its default order, unfiltered. */
export function prefetchResourceList<T>(client: QueryClient, kind: KindDescription<T>, params: Params = {}, fixed?: Fixed): Promise<void> | undefined {
  const path = kind.path(params);
  if (path) return prefetchList(client, path, listParamsOf(1, kind.pageSize ?? 20, firstSort(kind), NO_FILTERS, fixed));
}

type Open<T> = { action: RowAction<T>; item: T } | { action: Extract<ToolbarAction, { dialog: unknown }> };

export function ResourceList<T>({ kind, params = {}, toolbar, fixed }: Props<T>) {
  const { t } = useTranslation();
  const can = useCan();
  const notify = useNotify();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(kind.pageSize ?? 20);
  const [sort, setSort] = useState<Sort>(() => firstSort(kind));
  const [filters, setFilters] = useState<FilterState>(NO_FILTERS);
  const [open, setOpen] = useState<Open<T>>();
  // A new filter starts again at the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset follows the filters, not the page
  useEffect(() => setPage(1), [filters, params.cluster, params.namespace]);

  const listParams = listParamsOf(page, pageSize, sort, filters, fixed);
  const list = useList<T>(kind.path(params), listParams);
  const data = list.data;
  const filtered = !!(filters.search || filters.labelSelector || Object.values(filters.values).some(Boolean));

  const where = (item: T) => kind.where?.(item, params) ?? params;
  const rowActions = (item: T): IAction[] =>
    (kind.rowActions ?? [])
      .filter((a) => (!a.applies || a.applies(item)) && (!a.action || can(a.action, where(item))))
      .map((a) => ({
        title: t(a.label),
        isDanger: a.danger,
        onClick: () => {
          if ("run" in a) {
            a.run(item, params).then(
              () => {
                notify("success", t(a.done ?? "common.done", { name: kind.key(item) }));
                void client.invalidateQueries({ queryKey: ["list"] });
              },
              (e: Error) => notify("danger", t("error.actionFailed", { action: t(a.label) }), e.message),
            );
          } else setOpen({ action: a, item });
        },
      }));
  const tools = (kind.toolbarActions ?? []).filter((a) => !a.action || can(a.action, params));
  const close = () => {
    setOpen(undefined);
    void client.invalidateQueries({ queryKey: ["list"] });
  };
  const hasActions = (kind.rowActions ?? []).length > 0;
  const sortOf = (index: number, key?: string) =>
    key
      ? {
          sortBy: { index: kind.columns.findIndex((c) => c.sortKey === sort.by), direction: sort.dir },
          onSort: (_e: unknown, _i: number, dir: SortDir) => setSort({ by: key, dir }),
          columnIndex: index,
        }
      : undefined;

  const pagination = (variant: "top" | "bottom") => (
    <ListPagination
      what={t(kind.title)}
      total={data?.total ?? 0}
      page={page}
      pageSize={pageSize}
      onPage={setPage}
      onPageSize={(s) => {
        setPageSize(s);
        setPage(1);
      }}
      variant={variant}
    />
  );

  return (
    <div
      data-testid={`list-${kind.kind}`}
      data-live={list.mode}
      data-events={list.events}
      data-loading={list.isFetching ? "true" : "false"}
    >
      <Toolbar>
        <ToolbarContent>
          <ListFilters kind={kind} value={filters} onChange={setFilters} />
          {toolbar}
          {tools.map((a) => (
            <ToolbarItem key={a.id}>
              {"to" in a ? (
                <Button onClick={() => navigate(a.to)}>{t(a.label)}</Button>
              ) : (
                <Button onClick={() => setOpen({ action: a })}>{t(a.label)}</Button>
              )}
            </ToolbarItem>
          ))}
          <ToolbarItem variant="pagination">{pagination("top")}</ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {data?.stale.map((s) => (
        <Alert
          key={s.cluster}
          variant="warning"
          isInline
          isPlain
          title={t("stale.list", { cluster: s.cluster, time: dateTime(s.since) })}
        />
      ))}
      {list.error && <ErrorAlert error={list.error} />}
      <InnerScrollContainer>
        <Table aria-label={t(kind.title)} variant="compact">
          <Thead>
            <Tr>
              {kind.columns.map((c, i) => (
                <Th key={c.id} sort={sortOf(i, c.sortKey)} width={c.width} modifier="wrap">
                  {t(c.title)}
                </Th>
              ))}
              {hasActions && <Th screenReaderText={t("list.actions")} />}
            </Tr>
          </Thead>
          <Tbody>
            {!data && list.isLoading && <LoadingRows cols={kind.columns.length + (hasActions ? 1 : 0)} />}
            {withKeys(data?.items ?? [], kind.key).map(([item, key]) => {
              const actions = rowActions(item);
              return (
                <Tr key={key} data-row={kind.key(item)}>
                  {kind.columns.map((c, i) => (
                    <Td key={c.id} dataLabel={t(c.title)}>
                      {i === 0 && kind.link?.(item, params) ? (
                        <Link to={kind.link(item, params)!}>{c.render(item, params)}</Link>
                      ) : (
                        c.render(item, params)
                      )}
                    </Td>
                  ))}
                  {hasActions && (
                    <Td isActionCell>
                      {actions.length > 0 && (
                        <ActionsColumn items={actions} popperProps={{ position: "right" }} />
                      )}
                    </Td>
                  )}
                </Tr>
              );
            })}
            {data && data.items.length === 0 && (
              <Tr>
                <Td colSpan={kind.columns.length + (hasActions ? 1 : 0)}>
                  <EmptyList
                    what={t(kind.title)}
                    filtered={filtered}
                    onClear={() => setFilters({ search: "", labelSelector: "", values: {} })}
                  />
                </Td>
              </Tr>
            )}
          </Tbody>
        </Table>
      </InnerScrollContainer>
      {pagination("bottom")}
      {open && "item" in open && "dialog" in open.action && (
        <open.action.dialog item={open.item} params={params} onClose={close} />
      )}
      {open && !("item" in open) && <open.action.dialog params={params} onClose={close} />}
    </div>
  );
}

/** Items with unique React keys: a kind's key, with #2, #3 for repeats (audit entries of the same instant). */
function withKeys<T>(items: T[], key: (item: T) => string): [T, string][] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const k = key(item);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return [item, n > 1 ? `${k}#${n}` : k];
  });
}

function LoadingRows({ cols }: { cols: number }) {
  const { t } = useTranslation();
  return [0, 1, 2].map((r) => (
    <Tr key={r}>
      {Array.from({ length: cols }, (_x, c) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder cells
        <Td key={c}>
          <Skeleton screenreaderText={r === 0 && c === 0 ? t("common.loading") : undefined} />
        </Td>
      ))}
    </Tr>
  ));
}
