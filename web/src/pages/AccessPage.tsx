// Access: users, role bindings and API tokens, one tab (and route) each.
import { PageSection, Title } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { Navigate, useParams } from "react-router";
import { useCan } from "../api/me.ts";
import { ResourceList } from "../components/ResourceList.tsx";
import { RouteTabs } from "../components/RouteTabs.tsx";
import { roleBindingKind, tokenKind, userKind } from "../kinds/access.tsx";

export default function AccessPage() {
  const { t } = useTranslation();
  const can = useCan();
  const tab = useParams().tab ?? "rolebindings";
  const tabs = [
    ...(can("users.manage") ? [{ key: "users", title: t("nav.users"), to: "/access/users" }] : []),
    { key: "rolebindings", title: t("nav.roleBindings"), to: "/access/rolebindings" },
    { key: "tokens", title: t("nav.tokens"), to: "/access/tokens" },
  ];
  if (!["users", "rolebindings", "tokens"].includes(tab)) return <Navigate to="/access/rolebindings" replace />;
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("nav.access")}</Title>
      </PageSection>
      <PageSection>
        <RouteTabs tabs={tabs} active={tab} label={t("nav.access")}>
          {tab === "users" && <ResourceList kind={userKind} />}
          {tab === "rolebindings" && <ResourceList kind={roleBindingKind} />}
          {tab === "tokens" && <ResourceList kind={tokenKind} />}
        </RouteTabs>
      </PageSection>
    </>
  );
}
