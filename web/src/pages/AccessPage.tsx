// Access: users, role bindings and API tokens, one tab (and route) each.
import { PageSection, Tab, Tabs, TabsComponent, TabTitleText, Title } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { useCan } from "../api/me.ts";
import { ResourceList } from "../components/ResourceList.tsx";
import { roleBindingKind, tokenKind, userKind } from "../kinds/access.tsx";

export default function AccessPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const tab = useParams().tab ?? "rolebindings";
  const tabs = [
    ...(can("users.manage") ? [{ key: "users", title: t("nav.users") }] : []),
    { key: "rolebindings", title: t("nav.roleBindings") },
    { key: "tokens", title: t("nav.tokens") },
  ];
  if (!["users", "rolebindings", "tokens"].includes(tab)) return <Navigate to="/access/rolebindings" replace />;
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{t("nav.access")}</Title>
      </PageSection>
      <PageSection type="tabs">
        <Tabs
          activeKey={tab}
          component={TabsComponent.nav}
          aria-label={t("nav.access")}
          onSelect={(e, key) => {
            e.preventDefault();
            navigate(`/access/${key}`);
          }}
        >
          {tabs.map((x) => (
            <Tab key={x.key} eventKey={x.key} href={`/access/${x.key}`} title={<TabTitleText>{x.title}</TabTitleText>} />
          ))}
        </Tabs>
      </PageSection>
      <PageSection>
        {tab === "users" && <ResourceList kind={userKind} />}
        {tab === "rolebindings" && <ResourceList kind={roleBindingKind} />}
        {tab === "tokens" && <ResourceList kind={tokenKind} />}
      </PageSection>
    </>
  );
}
