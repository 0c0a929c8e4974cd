// A policy's dry-run report: what enforcing it would do, per cluster and
// namespace (POST …/clusterpolicies/{name}:dryrun, a paged list like any
// other, searched on the server by name, namespace or reason). It is asked
// again on demand, not followed: each run reads every target namespace.
import { Button, SearchInput, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.ts";
import type { ApiError } from "../api/ApiError.ts";
import { type Finding, policyPaths } from "../api/policies.ts";
import type { Paged } from "../api/types.ts";
import { EmptyList } from "../components/EmptyList.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { ListPagination } from "../components/ListPagination.tsx";

const COLUMNS = ["common.cluster", "common.namespace", "policies.objectKind", "common.name", "policies.reason"] as const;

export function DryRunReport({ name }: { name: string }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(typed.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const q = useQuery<Paged<Finding>, ApiError>({
    queryKey: ["dryrun", name, page, pageSize, search],
    queryFn: ({ signal }) =>
      api<Paged<Finding>>("POST", policyPaths.dryRun(name), { query: { page, pageSize, fuzzySearch: search || undefined }, signal }),
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const total = q.data?.pagination.total ?? 0;
  const pagination = (variant: "top" | "bottom") => (
    <ListPagination
      what={t("policies.findings")}
      total={total}
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
    <div data-testid="dryrun-report" data-loading={q.isFetching ? "true" : "false"} data-total={q.data ? total : undefined}>
      <p className="pf-v6-u-mb-sm">{t("policies.dryRunIntro")}</p>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <SearchInput
              aria-label={t("policies.searchFindings")}
              placeholder={t("policies.searchFindings")}
              value={typed}
              onChange={(_e, v) => setTyped(v)}
              onClear={() => setTyped("")}
            />
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" onClick={() => void q.refetch()} isLoading={q.isFetching} isDisabled={q.isFetching}>
              {t("policies.runAgain")}
            </Button>
          </ToolbarItem>
          <ToolbarItem variant="pagination">{pagination("top")}</ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {q.error && <ErrorAlert error={q.error} />}
      <InnerScrollContainer>
        <Table aria-label={t("policies.findings")} variant="compact">
          <Thead>
            <Tr>
              {COLUMNS.map((c) => (
                <Th key={c} modifier="wrap">
                  {t(c)}
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {q.data?.items.map((f, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a finding has no key of its own; the page is replaced whole
              <Tr key={i} data-row={`${f.cluster}/${f.namespace}/${f.name}`}>
                <Td dataLabel={t("common.cluster")}>{f.cluster}</Td>
                <Td dataLabel={t("common.namespace")}>{f.namespace || "–"}</Td>
                <Td dataLabel={t("policies.objectKind")}>{f.kind}</Td>
                <Td dataLabel={t("common.name")}>{f.name}</Td>
                <Td dataLabel={t("policies.reason")} modifier="breakWord">
                  {f.reason}
                </Td>
              </Tr>
            ))}
            {q.data && q.data.items.length === 0 && (
              <Tr>
                <Td colSpan={COLUMNS.length}>
                  {search ? (
                    <EmptyList what={t("policies.findings")} filtered onClear={() => setTyped("")} />
                  ) : (
                    <span data-testid="dryrun-none">{t("policies.noFindings")}</span>
                  )}
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
