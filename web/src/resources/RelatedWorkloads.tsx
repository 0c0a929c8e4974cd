// The workloads whose pod template uses a ConfigMap or a Secret (GET
// …/{configmaps|secrets}/{name}/related, read in the member as the caller):
// each with its kind, a link to its page, and how it uses it.
import { Label, LabelGroup } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, appRoutes, PLURAL_OF_KIND } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { EmptyList } from "../components/EmptyList.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";

type Related = { kind: string; name: string; namespace: string; uses: string[] };

export function RelatedWorkloads({ cluster, namespace, plural, name }: { cluster: string; namespace: string; plural: string; name: string }) {
  const { t } = useTranslation();
  const { data, error } = useQuery<{ items: Related[] }, ApiError>({
    queryKey: ["related", cluster, namespace, plural, name],
    queryFn: ({ signal }) => get(`${appPaths.object(cluster, namespace, plural, name)}/related`, { pageSize: 500 }, signal),
  });
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <PageLoading />;
  return (
    <Table aria-label={t("resources.relatedLabel", { name })} variant="compact" data-testid="related">
      <Thead>
        <Tr>
          <Th>{t("common.name")}</Th>
          <Th>{t("resources.col.kind")}</Th>
          <Th>{t("resources.col.uses")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {data.items.map((r) => (
          <Tr key={`${r.kind}/${r.name}`} data-row={`${r.kind}/${r.name}`}>
            <Td dataLabel={t("common.name")}>
              <Link to={appRoutes.workload(cluster, r.namespace, PLURAL_OF_KIND[r.kind] ?? "deployments", r.name)}>{r.name}</Link>
            </Td>
            <Td dataLabel={t("resources.col.kind")}>{r.kind}</Td>
            <Td dataLabel={t("resources.col.uses")}>
              <LabelGroup>
                {r.uses.map((u) => (
                  <Label key={u} isCompact>
                    {t(`resources.use.${u}`)}
                  </Label>
                ))}
              </LabelGroup>
            </Td>
          </Tr>
        ))}
        {data.items.length === 0 && (
          <Tr>
            <Td colSpan={3}>
              <EmptyList what={t("resources.relatedWhat")} filtered={false} onClear={() => {}} />
            </Td>
          </Tr>
        )}
      </Tbody>
    </Table>
  );
}
