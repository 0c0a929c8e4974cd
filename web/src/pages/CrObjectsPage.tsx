// The objects of one CRD: a version picker when it serves several, a
// namespace picker when it is namespaced (both kept in the address), and the
// list with the version's printer columns.
import {
  Breadcrumb,
  BreadcrumbItem,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  PageSection,
  Title,
} from "@patternfly/react-core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { crRoutes } from "../api/crs.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import { PageLoading } from "../components/PageLoading.tsx";
import { ResourceList } from "../components/ResourceList.tsx";
import { useCrd, whereOf } from "../crs/useCrd.ts";
import { crObjectsKind } from "../kinds/crds.tsx";

export default function CrObjectsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { cluster, crd: name } = useParams() as { cluster: string; crd: string };
  const [search] = useSearchParams();
  const crd = useCrd(cluster, name);
  const version = search.get("version");
  const namespace = search.get("namespace");
  const w = useMemo(() => crd.data && whereOf(crd.data, cluster, version, namespace), [crd.data, cluster, version, namespace]);
  const description = useMemo(() => (crd.data && w ? crObjectsKind(crd.data, w) : undefined), [crd.data, w]);
  const go = (o: { namespace?: string; version?: string }) =>
    navigate(crRoutes.objects(cluster, name, { namespace: w?.namespace, version: w?.version, ...o }));
  return (
    <>
      <PageSection>
        <Breadcrumb className="pf-v6-u-mb-sm">
          <BreadcrumbItem render={() => <Link to={`/clusters/${encodeURIComponent(cluster)}`}>{cluster}</Link>} />
          <BreadcrumbItem render={() => <Link to={crRoutes.crds(cluster)}>{t("crs.title")}</Link>} />
          <BreadcrumbItem isActive>{name}</BreadcrumbItem>
        </Breadcrumb>
        <Flex justifyContent={{ default: "justifyContentSpaceBetween" }} alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <Title headingLevel="h1">
              {t("crs.objects", { kind: crd.data?.spec.names.kind ?? name })}{" "}
              {w && <small className="pf-v6-u-font-size-md pf-v6-u-color-200">{`${w.group}/${w.version}`}</small>}
            </Title>
          </FlexItem>
          {crd.data && w && (
            <FlexItem>
              <Flex gap={{ default: "gapSm" }}>
                {crd.data.spec.versions.filter((v) => v.served).length > 1 && (
                  <FlexItem>
                    <FormSelect
                      aria-label={t("crs.version")}
                      value={w.version}
                      onChange={(_e, version) => go({ version })}
                    >
                      {crd.data.spec.versions
                        .filter((v) => v.served)
                        .map((v) => (
                          <FormSelectOption key={v.name} value={v.name} label={v.name} />
                        ))}
                    </FormSelect>
                  </FlexItem>
                )}
                {crd.data.spec.scope === "Namespaced" && (
                  <FlexItem>
                    <NamespacePicker cluster={cluster} value={w.namespace} onChange={(namespace) => go({ namespace })} />
                  </FlexItem>
                )}
              </Flex>
            </FlexItem>
          )}
        </Flex>
      </PageSection>
      <PageSection>
        {crd.error && <ErrorAlert error={crd.error} />}
        {!crd.data && !crd.error && <PageLoading />}
        {description && w && (
          <ResourceList key={`${w.version}/${w.namespace ?? ""}`} kind={description} params={{ cluster, namespace: w.namespace }} />
        )}
      </PageSection>
    </>
  );
}
