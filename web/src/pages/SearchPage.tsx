// Global search: objects of every cluster the user may see, from the
// multi-cluster cache's lists (issue 11). Without a kind, the matches of each
// kind are grouped; with one, they are a table sorted, filtered and paged on
// the server and followed live. The whole state is in the address.
import {
  Checkbox,
  Content,
  FormSelect,
  FormSelectOption,
  PageSection,
  SearchInput,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import type { QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useMe } from "../api/me.ts";
import { prefetchList } from "../api/useList.ts";
import { ClusterFilter } from "../components/ClusterFilter.tsx";
import { groupParams, SearchGroups } from "../components/SearchGroups.tsx";
import { SearchTable, tableParams } from "../components/SearchTable.tsx";
import { SEARCH_KINDS, type SearchKind, searchKind, searchPath } from "../kinds/searchKinds.tsx";
import { changeSearch, readSearch, type SearchState, writeSearch } from "../lib/searchState.ts";

const DEBOUNCE_MS = 250;

/** A text input that reports its value once typing pauses, and follows the value when it changes elsewhere. */
function useSettled(value: string, onSettle: (v: string) => void): [string, (v: string) => void] {
  const [text, setText] = useState(value);
  const last = useRef(value);
  useEffect(() => {
    if (value !== last.current) setText(value);
    last.current = value;
  }, [value]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: settles on the text only
  useEffect(() => {
    if (text === last.current) return;
    const timer = setTimeout(() => {
      last.current = text;
      onSettle(text);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return [text, setText];
}

function KindFilters({ kind, state, change }: { kind: SearchKind; state: SearchState; change: (p: Partial<SearchState>) => void }) {
  const { t } = useTranslation();
  return kind.filters?.map((f) =>
    f.type === "select" ? (
      <ToolbarItem key={f.id}>
        <FormSelect aria-label={t(f.title)} value={state.filters[f.id] ?? ""} onChange={(_e, v) => change({ filters: { ...state.filters, [f.id]: v } })}>
          <FormSelectOption value="" label={t("list.any", { what: t(f.title) })} />
          {f.options.map((o) => (
            <FormSelectOption key={o.value} value={o.value} label={t(o.label)} />
          ))}
        </FormSelect>
      </ToolbarItem>
    ) : null,
  );
}

function SearchToolbar({ state, change }: { state: SearchState; change: (p: Partial<SearchState>) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [q, setQ] = useSettled(state.q, (v) => change({ q: v.trim() }));
  const [selector, setSelector] = useSettled(state.labelSelector, (v) => change({ labelSelector: v.trim() }));
  const kind = searchKind(state.kind);
  return (
    <Toolbar>
      <ToolbarContent>
        <ToolbarGroup variant="filter-group">
          <ToolbarItem>
            <FormSelect aria-label={t("search.kind")} value={state.kind ?? ""} onChange={(_e, v) => change({ kind: v || undefined })}>
              <FormSelectOption value="" label={t("search.allKinds")} />
              {SEARCH_KINDS.map((k) => (
                <FormSelectOption key={k.resource} value={k.resource} label={t(`kinds.${k.resource}`)} />
              ))}
            </FormSelect>
          </ToolbarItem>
          <ToolbarItem>
            <SearchInput aria-label={t("search.nameContains")} placeholder={t("search.nameContains")} value={q} onChange={(_e, v) => setQ(v)} onClear={() => setQ("")} />
          </ToolbarItem>
          <ToolbarItem>
            <ClusterFilter clusters={(me.data?.clusters ?? []).map((c) => c.name)} value={state.clusters} onChange={(clusters) => change({ clusters })} />
          </ToolbarItem>
          <ToolbarItem>
            <TextInput aria-label={t("list.labelSelector")} placeholder={t("list.labelSelectorPlaceholder")} value={selector} onChange={(_e, v) => setSelector(v)} />
          </ToolbarItem>
          {kind && <KindFilters kind={kind} state={state} change={change} />}
          <ToolbarItem alignSelf="center">
            <Checkbox id="search-fuzzy-labels" label={t("search.fuzzyLabels")} isChecked={state.fuzzyLabels} onChange={(_e, v) => change({ fuzzyLabels: v })} />
          </ToolbarItem>
        </ToolbarGroup>
      </ToolbarContent>
    </Toolbar>
  );
}

/** Whether the address asks for results at all (rather than the hint): a name, a kind, a selector or clusters. */
const asks = (state: SearchState) => !!state.q || !!state.kind || !!state.labelSelector || state.clusters.length > 0;

/** The results' first reads, started before the page renders (lib/pages.tsx): a kind's table, or each kind's group. */
export function prefetch(client: QueryClient, _params: unknown, search: URLSearchParams) {
  const state = readSearch(search);
  const kind = searchKind(state.kind);
  if (kind) return prefetchList(client, searchPath(kind), tableParams(state));
  if (asks(state)) return Promise.all(SEARCH_KINDS.map((k) => prefetchList(client, searchPath(k), groupParams(state))));
}

export default function SearchPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const state = readSearch(params);
  // Typing replaces the address; a new kind, filter, sort or page is a step that Back returns from.
  const change = (patch: Partial<SearchState>) =>
    setParams(writeSearch(changeSearch(state, patch)), { replace: "q" in patch || "labelSelector" in patch });
  const kind = searchKind(state.kind);
  const browsing = asks(state);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{state.q ? t("search.resultsFor", { q: state.q }) : t("search.title")}</Title>
      </PageSection>
      <PageSection>
        <SearchToolbar state={state} change={change} />
        {kind ? (
          <SearchTable kind={kind} state={state} change={change} />
        ) : browsing ? (
          <SearchGroups state={state} change={change} />
        ) : (
          <Content component="p">{t("search.hint")}</Content>
        )}
      </PageSection>
    </>
  );
}
