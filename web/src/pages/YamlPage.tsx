// An object's YAML, read through kpanda's Kubernetes proxy with the user's
// own rights: what a search result opens where no page for its kind exists.
import { Breadcrumb, BreadcrumbItem, CodeBlock, CodeBlockCode, PageSection, Title } from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { stringify } from "yaml";
import { ApiError } from "../api/ApiError.ts";
import { authHeaders } from "../api/client.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { PageLoading } from "../components/PageLoading.tsx";

export default function YamlPage() {
  const { t } = useTranslation();
  const cluster = useParams().cluster!;
  const path = useSearchParams()[0].get("path") ?? "";
  const valid = /^\/(api|apis)\/[a-zA-Z0-9./_-]+$/.test(path) && !path.includes("..");
  const { data, error } = useQuery<unknown, ApiError>({
    queryKey: ["yaml", cluster, path],
    enabled: valid,
    queryFn: async ({ signal }) => {
      const res = await fetch(`/k8s/clusters/${encodeURIComponent(cluster)}${path}`, { headers: { accept: "application/json", ...authHeaders() }, signal });
      if (!res.ok) throw await ApiError.fromResponse(res);
      const o = await res.json();
      if (o?.metadata) delete o.metadata.managedFields;
      return o;
    },
  });
  const name = path.split("/").pop();
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>} />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Title headingLevel="h1">{name}</Title>
      </PageSection>
      <PageSection>
        {!valid && <ErrorAlert error={new ApiError({ code: 400, reason: "BadRequest", message: path })} />}
        {error && <ErrorAlert error={error} />}
        {valid && !data && !error && <PageLoading />}
        {data !== undefined && (
          <CodeBlock aria-label={t("yaml.label", { name })}>
            <CodeBlockCode>{stringify(data)}</CodeBlockCode>
          </CodeBlock>
        )}
      </PageSection>
    </>
  );
}
