// The filter part of a list's toolbar: a name search (debounced, so typing
// sends one query), a label selector, and the kind's own filters.
import { FormSelect, FormSelectOption, SearchInput, TextInput, ToolbarGroup, ToolbarItem } from "@patternfly/react-core";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { KindDescription } from "../kinds/types.ts";

export type FilterState = { search: string; labelSelector: string; values: Record<string, string | undefined> };

const DEBOUNCE_MS = 250;

function useDebounced(value: string, onSettle: (v: string) => void) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: settles on the value only
  useEffect(() => {
    const timer = setTimeout(() => onSettle(value), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value]);
}

export function ListFilters<T>({ kind, value, onChange }: { kind: KindDescription<T>; value: FilterState; onChange: (v: FilterState) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState(value.search);
  const [selector, setSelector] = useState(value.labelSelector);
  const [texts, setTexts] = useState<Record<string, string>>({});
  // Cleared from outside (the empty state's "clear filters").
  useEffect(() => {
    if (!value.search) setSearch("");
    if (!value.labelSelector) setSelector("");
    if (!Object.values(value.values).some(Boolean)) setTexts({});
  }, [value]);
  // The filters as they are when a debounced input settles, not as they were when typing began.
  const latest = useRef(value);
  latest.current = value;
  useDebounced(search, (v) => v !== latest.current.search && onChange({ ...latest.current, search: v }));
  useDebounced(selector, (v) => v !== latest.current.labelSelector && onChange({ ...latest.current, labelSelector: v }));
  const textKey = JSON.stringify(texts);
  useDebounced(textKey, () => {
    const cur = latest.current;
    const values = { ...cur.values, ...texts };
    if (JSON.stringify(values) !== JSON.stringify(cur.values)) onChange({ ...cur, values });
  });
  const set = (id: string, v: string) => onChange({ ...value, values: { ...value.values, [id]: v || undefined } });
  return (
    <ToolbarGroup variant="filter-group">
      {kind.search !== false && (
        <ToolbarItem>
          <SearchInput
            aria-label={t("list.searchName")}
            placeholder={t("list.searchName")}
            value={search}
            onChange={(_e, v) => setSearch(v)}
            onClear={() => setSearch("")}
          />
        </ToolbarItem>
      )}
      {kind.labelSelector && (
        <ToolbarItem>
          <TextInput aria-label={t("list.labelSelector")} placeholder={t("list.labelSelectorPlaceholder")} value={selector} onChange={(_e, v) => setSelector(v)} />
        </ToolbarItem>
      )}
      {kind.filters?.map((f) => (
        <ToolbarItem key={f.id}>
          {f.type === "select" ? (
            <FormSelect aria-label={t(f.title)} value={value.values[f.id] ?? ""} onChange={(_e, v) => set(f.id, v)}>
              <FormSelectOption value="" label={t("list.any", { what: t(f.title) })} />
              {f.options.map((o) => (
                <FormSelectOption key={o.value} value={o.value} label={t(o.label)} />
              ))}
            </FormSelect>
          ) : (
            <TextInput aria-label={t(f.title)} placeholder={t(f.title)} value={texts[f.id] ?? ""} onChange={(_e, v) => setTexts({ ...texts, [f.id]: v })} />
          )}
        </ToolbarItem>
      ))}
    </ToolbarGroup>
  );
}
