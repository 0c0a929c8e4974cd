// A namespace's NetworkPolicies, ResourceQuotas and LimitRanges as the shared
// list shows them, from the cache's lists (live). Writes go to the member as
// the user; the console offers them where GET /me says the member's RBAC
// would allow (memberRbac.ts gives NS editors NetworkPolicies, as kube's
// edit role; ResourceQuotas and LimitRanges only to cluster admins, as
// kube's admin role has no write on them).
import { Label } from "@patternfly/react-core";
import { Trans, useTranslation } from "react-i18next";
import { del } from "../api/client.ts";
import { type NsResource, policyPaths, selectorText } from "../api/policies.ts";
import type { Action } from "../api/types.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { CREATED, kind, type KindDescription, type RowDialogProps } from "../kinds/types.ts";
import { age } from "../lib/format.ts";
import { NetpolFormDialog } from "./NetpolFormDialog.tsx";
import { describeNetworkPolicy } from "./netpolWords.ts";
import { kindOfResource } from "./templates.ts";
import { YAML_CREATE, YAML_EDIT } from "./YamlCreateDialog.tsx";

/** A cached object of these kinds (plus the cluster the cache adds). */
export type NsObject = {
  cluster: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec?: Record<string, any>;
};

/** The label kpanda puts on what a cluster policy made (policies/types.ts POLICY_LABEL). */
const POLICY_LABEL = "kpanda.io/cluster-policy";

/**
 * The /me action allowing writes of each kind: workloads.edit (NSEditor) for
 * NetworkPolicies; for the other two the namespace action whose need is also
 * ClusterAdmin (namespace.podSecurity).
 */
const WRITE: Record<NsResource, Action> = {
  networkpolicies: "workloads.edit",
  resourcequotas: "namespace.podSecurity",
  limitranges: "namespace.podSecurity",
};

function NameCell({ o }: { o: NsObject }) {
  const { t } = useTranslation();
  const policy = o.metadata.labels?.[POLICY_LABEL];
  return (
    <>
      {o.metadata.name}{" "}
      {policy && (
        <Label isCompact color="purple" data-policy={policy}>
          {t("policies.ns.keptBy", { policy })}
        </Label>
      )}
    </>
  );
}

const pairs = (m: Record<string, unknown> | undefined) =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

function DeleteObject({ resource, item, params, onClose }: RowDialogProps<NsObject> & { resource: NsResource }) {
  const { t } = useTranslation();
  const name = item.metadata.name;
  return (
    <ConfirmDialog
      title={t("policies.ns.deleteTitle", { kind: kindOfResource(resource), name })}
      body={<Trans i18nKey="policies.ns.deleteBody" values={{ name, namespace: params.namespace }} components={{ b: <strong /> }} />}
      confirmLabel={t("common.delete")}
      onClose={onClose}
      onConfirm={() => del(policyPaths.nsItem(params.cluster!, params.namespace!, resource, name))}
    />
  );
}

const DELETE: Record<NsResource, (p: RowDialogProps<NsObject>) => React.JSX.Element> = {
  networkpolicies: (p) => <DeleteObject resource="networkpolicies" {...p} />,
  resourcequotas: (p) => <DeleteObject resource="resourcequotas" {...p} />,
  limitranges: (p) => <DeleteObject resource="limitranges" {...p} />,
};

function NetpolWords({ o }: { o: NsObject }) {
  const { t } = useTranslation();
  return <span>{describeNetworkPolicy(t, o.metadata.namespace, o.spec ?? {}).join(" ")}</span>;
}

function summaryColumn(resource: NsResource) {
  if (resource === "networkpolicies") {
    return [
      { id: "pods", title: "policies.ns.podSelector", render: (o: NsObject) => selectorText(o.spec?.podSelector) || "{}" },
      { id: "words", title: "policies.ns.inWords", width: 50 as const, render: (o: NsObject) => <NetpolWords o={o} /> },
    ];
  }
  if (resource === "resourcequotas") return [{ id: "hard", title: "policies.ns.hard", width: 50 as const, render: (o: NsObject) => pairs(o.spec?.hard) }];
  return [
    {
      id: "limits",
      title: "policies.ns.limits",
      width: 50 as const,
      render: (o: NsObject) => ((o.spec?.limits ?? []) as { type?: string }[]).map((l) => l.type).join(", "),
    },
  ];
}

const TITLES: Record<NsResource, string> = {
  networkpolicies: "policies.ns.tab.networkpolicies",
  resourcequotas: "policies.ns.tab.resourcequotas",
  limitranges: "policies.ns.tab.limitranges",
};

export function nsPolicyKind(resource: NsResource): KindDescription<NsObject> {
  return kind<NsObject>({
    kind: kindOfResource(resource),
    title: TITLES[resource],
    path: (p) => (p.cluster && p.namespace ? policyPaths.nsList(p.cluster, p.namespace, resource) : undefined),
    key: (o) => o.metadata.name,
    defaultSort: { by: "name", dir: "asc" },
    search: true,
    labelSelector: true,
    columns: [
      { id: "name", title: "common.name", sortKey: "name", width: 25, render: (o) => <NameCell o={o} /> },
      ...summaryColumn(resource),
      { id: "age", title: "common.age", sortKey: CREATED, render: (o) => age(o.metadata.creationTimestamp) },
    ],
    toolbarActions: [
      ...(resource === "networkpolicies" ? [{ id: "form", label: "policies.np.createForm", action: WRITE[resource], dialog: NetpolFormDialog }] : []),
      { id: "create", label: "policies.ns.createYaml", action: WRITE[resource], dialog: YAML_CREATE[resource] },
    ],
    rowActions: [
      { id: "edit", label: "policies.ns.editYaml", action: WRITE[resource], dialog: YAML_EDIT[resource] },
      { id: "delete", label: "common.delete", action: WRITE[resource], danger: true, dialog: DELETE[resource] },
    ],
  });
}

export const NS_KINDS = {
  networkpolicies: nsPolicyKind("networkpolicies"),
  resourcequotas: nsPolicyKind("resourcequotas"),
  limitranges: nsPolicyKind("limitranges"),
};
