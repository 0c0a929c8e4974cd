// A workload's timeline, oldest first and paged: its revisions, its Events
// and those of its children and pods, scaling, and who did what (kpanda's
// audit), as GET …/timeline merges them. It opens on the newest page, and
// is read again every few seconds.
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, type TimelineEntry } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { ListPagination } from "../components/ListPagination.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { dateTime } from "../lib/format.ts";
import type { WorkloadRef } from "./RevisionsTab.tsx";

type Page = { items: TimelineEntry[]; pagination: { total: number }; page: number };

const SIZES = [50, 100, 500];

export function TimelineTab({ w }: { w: WorkloadRef }) {
  const { t } = useTranslation();
  // No page chosen: the last (the newest entries), whose number the first answer's total tells.
  const [page, setPage] = useState<number>();
  const [pageSize, setPageSize] = useState(SIZES[0]);
  const path = appPaths.timeline(w.cluster, w.namespace, w.plural, w.name);
  const { data, error } = useQuery<Page, ApiError>({
    queryKey: ["timeline", w, page, pageSize],
    queryFn: async ({ signal }) => {
      const r = await get<Page>(path, { page: page ?? 1, pageSize }, signal);
      const last = Math.max(1, Math.ceil(r.pagination.total / pageSize));
      if (page !== undefined || last === 1) return { ...r, page: page ?? 1 };
      return { ...(await get<Page>(path, { page: last, pageSize }, signal)), page: last };
    },
    refetchInterval: 5_000,
    placeholderData: keepPreviousData,
  });
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <PageLoading />;
  const pager = (variant: "top" | "bottom") => (
    <ListPagination
      what={t("apps.timeline")}
      total={data.pagination.total}
      page={data.page}
      pageSize={pageSize}
      perPageOptions={SIZES}
      onPage={setPage}
      onPageSize={(n) => {
        setPageSize(n);
        setPage(1);
      }}
      variant={variant}
    />
  );
  return (
    <>
      {pager("top")}
      <Table aria-label={t("apps.timeline")} variant="compact" data-testid="timeline">
        <Thead>
          <Tr>
            <Th width={15}>{t("apps.time")}</Th>
            <Th>{t("node.type")}</Th>
            <Th>{t("node.reason")}</Th>
            <Th>{t("apps.object")}</Th>
            <Th width={40}>{t("overview.message")}</Th>
            <Th>{t("apps.user")}</Th>
          </Tr>
        </Thead>
        <Tbody>
          {data.items.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries of one page, in order
            <Tr key={i} data-source={e.source} data-reason={e.reason}>
              <Td dataLabel={t("apps.time")}>{dateTime(e.time)}</Td>
              <Td dataLabel={t("node.type")}>
                <StatusLabel status={e.type} />
              </Td>
              <Td dataLabel={t("node.reason")}>{e.reason}</Td>
              <Td dataLabel={t("apps.object")}>{e.object ?? "–"}</Td>
              <Td dataLabel={t("overview.message")}>{e.message}</Td>
              <Td dataLabel={t("apps.user")}>{e.user ?? "–"}</Td>
            </Tr>
          ))}
          {data.items.length === 0 && (
            <Tr>
              <Td colSpan={6}>{t("common.none")}</Td>
            </Tr>
          )}
        </Tbody>
      </Table>
      {pager("bottom")}
    </>
  );
}
