// Tabs whose panels are routes: choosing a tab navigates to its path, and the
// active tab's panel shows `children` (the route's content). A real tab
// panel per tab, so the tabs' ARIA is complete.
import { Tab, Tabs, TabTitleText } from "@patternfly/react-core";
import type { ReactNode } from "react";
import { useNavigate } from "react-router";

export type RouteTab = { key: string; title: string; to: string };

export function RouteTabs({ tabs, active, label, children }: { tabs: RouteTab[]; active: string; label: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Tabs
      activeKey={active}
      aria-label={label}
      mountOnEnter
      unmountOnExit
      onSelect={(_e, key) => {
        const to = tabs.find((x) => x.key === key)?.to;
        if (to) navigate(to);
      }}
    >
      {tabs.map((x) => (
        <Tab key={x.key} eventKey={x.key} title={<TabTitleText>{x.title}</TabTitleText>}>
          {x.key === active && <div className="pf-v6-u-pt-md">{children}</div>}
        </Tab>
      ))}
    </Tabs>
  );
}
