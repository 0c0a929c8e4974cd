// Search results across kinds: the first few matches of each kind, grouped,
// with the number found and a way to see all of a kind (sorted, filtered and
// paged). Clusters whose data is stale in any group are named above.
import { Button, Card, CardBody, CardFooter, CardTitle, Stack, StackItem } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Freshness, type ListParams, useList } from "../api/useList.ts";
import { resultLink, SEARCH_KINDS, type SearchKind, searchPath, toFound } from "../kinds/searchKinds.tsx";
import { age } from "../lib/format.ts";
import { type SearchState, searchFilters } from "../lib/searchState.ts";
import { Highlight } from "./Highlight.tsx";
import { StaleBanner } from "./StaleBanner.tsx";

const GROUP_SIZE = 5;

/** The query of each kind's group: its first few matches, without the filters of one kind. */
export const groupParams = (state: SearchState): ListParams => ({
  page: 1,
  pageSize: GROUP_SIZE,
  fuzzySearch: state.q,
  labelSelector: state.labelSelector,
  filters: searchFilters({ ...state, filters: {} }),
});

type Report = (resource: string, r: { stale: Freshness[]; total?: number }) => void;

function Group({ kind, state, change, report }: { kind: SearchKind; state: SearchState; change: (p: Partial<SearchState>) => void; report: Report }) {
  const { t } = useTranslation();
  const path = searchPath(kind);
  const list = useList<unknown>(path, groupParams(state), { live: false });
  const total = list.data?.total;
  const stale = list.data?.stale;
  useEffect(() => report(kind.resource, { stale: stale ?? [], total }), [kind.resource, stale, total, report]);
  if (!list.data?.items.length) return null;
  const title = t(`kinds.${kind.resource}`);
  const items = list.data.items.map((i) => toFound(i));
  return (
    <StackItem>
      <Card data-testid={`search-${kind.resource}`} isCompact>
        <CardTitle component="h2">{t("search.group", { kind: title, count: list.data.total })}</CardTitle>
        <CardBody>
          <Table aria-label={title} variant="compact">
            <Thead>
              <Tr>
                <Th width={40}>{t("common.name")}</Th>
                <Th width={20}>{t("common.cluster")}</Th>
                <Th width={25}>{t("common.namespace")}</Th>
                <Th width={15}>{t("common.age")}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((o) => (
                <Tr key={`${o.cluster}/${o.metadata.namespace}/${o.metadata.name}`} data-row={`${o.cluster}/${o.metadata.namespace ?? ""}/${o.metadata.name}`}>
                  <Td dataLabel={t("common.name")}>
                    <Link to={resultLink(kind, o)}>
                      <Highlight text={o.metadata.name} q={state.q} />
                    </Link>
                  </Td>
                  <Td dataLabel={t("common.cluster")}>
                    <Link to={`/clusters/${encodeURIComponent(o.cluster)}`}>{o.cluster}</Link>
                  </Td>
                  <Td dataLabel={t("common.namespace")}>{o.metadata.namespace ?? "–"}</Td>
                  <Td dataLabel={t("common.age")}>{age(o.metadata.creationTimestamp)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </CardBody>
        {list.data.total > items.length && (
          <CardFooter>
            <Button variant="link" isInline onClick={() => change({ kind: kind.resource })}>
              {t("search.showAll", { count: list.data.total, kind: title })}
            </Button>
          </CardFooter>
        )}
      </Card>
    </StackItem>
  );
}

export function SearchGroups({ state, change }: { state: SearchState; change: (p: Partial<SearchState>) => void }) {
  const { t } = useTranslation();
  const [reports, setReports] = useState<Record<string, { stale: Freshness[]; total?: number }>>({});
  const report = useCallback<Report>((resource, r) => setReports((all) => ({ ...all, [resource]: r })), []);
  const kinds = SEARCH_KINDS;
  const answered = kinds.filter((k) => reports[k.resource]?.total !== undefined);
  const none = answered.length === kinds.length && answered.every((k) => reports[k.resource].total === 0);
  return (
    <>
      <StaleBanner stale={kinds.flatMap((k) => reports[k.resource]?.stale ?? [])} />
      <Stack hasGutter data-testid="search-groups">
        {kinds.map((k) => (
          <Group key={k.resource} kind={k} state={state} change={change} report={report} />
        ))}
        {none && <StackItem>{t("search.nothing")}</StackItem>}
      </Stack>
    </>
  );
}
