// A cluster's namespaces to pick from: only those the caller may see (the
// namespace list answers no others), with "All namespaces" first when allowed.
import { FormSelect, FormSelectOption } from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { get } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import type { NamespaceItem } from "../api/types.ts";

export function useNamespaces(cluster: string) {
  return useQuery<string[], ApiError>({
    queryKey: ["namespaceNames", cluster],
    queryFn: async ({ signal }) => {
      const r = await get<{ items: NamespaceItem[] }>(
        paths.namespaces(cluster),
        { pageSize: 500, sortBy: "name" },
        signal,
      );
      return r.items.map((n) => n.name);
    },
    staleTime: 10_000,
  });
}

type Props = {
  cluster: string;
  value: string | undefined;
  onChange: (ns: string | undefined) => void;
  all?: boolean;
  id?: string;
};

export function NamespacePicker({ cluster, value, onChange, all = true, id = "namespace-picker" }: Props) {
  const { t } = useTranslation();
  const { data } = useNamespaces(cluster);
  const names = data ?? [];
  return (
    <FormSelect
      id={id}
      aria-label={t("common.namespace")}
      value={value ?? ""}
      onChange={(_e, v) => onChange(v || undefined)}
      style={{ minWidth: "14rem" }}
    >
      {all && <FormSelectOption value="" label={t("apps.allNamespaces")} />}
      {!all && !value && <FormSelectOption value="" label={t("apps.pickNamespace")} isPlaceholder />}
      {value && !names.includes(value) && <FormSelectOption value={value} label={value} />}
      {names.map((n) => (
        <FormSelectOption key={n} value={n} label={n} />
      ))}
    </FormSelect>
  );
}
