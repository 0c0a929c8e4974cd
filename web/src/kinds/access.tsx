// Access: users (Owners manage them), role bindings (granted and revoked by
// whoever may manage them: Owners, a ClusterAdmin in its cluster, an NSAdmin
// in its namespace) and the caller's API tokens (shown once, at creation).
import { Alert, ClipboardCopy, FormGroup, FormSelect, FormSelectOption, TextInput } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { del, post } from "../api/client.ts";
import { useMe } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import { type ApiToken, type NewApiToken, ROLES, type Role, type RoleBinding, type User } from "../api/types.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { StatusLabel } from "../components/StatusLabel.tsx";
import { dateTime } from "../lib/format.ts";
import { kind, type RowDialogProps, type ToolbarDialogProps } from "./types.ts";

function CreateUser({ onClose }: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const mismatch = again !== "" && again !== password;
  return (
    <FormDialog
      title={t("user.create")}
      submitLabel={t("common.create")}
      canSubmit={!!name && password.length > 0 && password === again}
      onClose={onClose}
      onSubmit={() => post(paths.users, { name, password })}
    >
      <FormGroup label={t("common.name")} fieldId="user-name" isRequired>
        <TextInput id="user-name" isRequired value={name} onChange={(_e, v) => setName(v)} autoComplete="off" />
      </FormGroup>
      <FormGroup label={t("user.password")} fieldId="user-password" isRequired>
        <TextInput id="user-password" type="password" isRequired value={password} onChange={(_e, v) => setPassword(v)} autoComplete="new-password" />
      </FormGroup>
      <FormGroup label={t("user.passwordAgain")} fieldId="user-password-again" isRequired>
        <TextInput
          id="user-password-again"
          type="password"
          isRequired
          value={again}
          onChange={(_e, v) => setAgain(v)}
          validated={mismatch ? "error" : "default"}
          autoComplete="new-password"
        />
      </FormGroup>
    </FormDialog>
  );
}

function DeleteUser({ item, onClose }: RowDialogProps<User>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t("user.deleteTitle", { name: item.name })}
      body={t("user.deleteBody", { name: item.name })}
      confirmLabel={t("common.delete")}
      onClose={onClose}
      onConfirm={() => del(paths.user(item.name))}
    />
  );
}

export function GrantRole({ onClose, user: fixedUser }: ToolbarDialogProps & { user?: string }) {
  const { t } = useTranslation();
  const me = useMe().data;
  const [user, setUser] = useState(fixedUser ?? "");
  const [role, setRole] = useState<Role>("NSViewer");
  const [cluster, setCluster] = useState("");
  const [namespace, setNamespace] = useState("");
  const needsCluster = role !== "Owner";
  const needsNs = role.startsWith("NS");
  const ok = !!user && (!needsCluster || !!cluster) && (!needsNs || !!namespace);
  return (
    <FormDialog
      title={t("binding.grant")}
      submitLabel={t("binding.grantSubmit")}
      canSubmit={ok}
      onClose={onClose}
      onSubmit={() =>
        post(paths.roleBindings, { user, role, cluster: needsCluster ? cluster : undefined, namespace: needsNs ? namespace : undefined })
      }
    >
      <FormGroup label={t("binding.user")} fieldId="binding-user" isRequired>
        <TextInput id="binding-user" isRequired value={user} onChange={(_e, v) => setUser(v)} isDisabled={!!fixedUser} />
      </FormGroup>
      <FormGroup label={t("binding.role")} fieldId="binding-role" isRequired>
        <FormSelect id="binding-role" value={role} onChange={(_e, v) => setRole(v as Role)}>
          {ROLES.map((r) => (
            <FormSelectOption key={r} value={r} label={t(`role.${r}`)} />
          ))}
        </FormSelect>
      </FormGroup>
      {needsCluster && (
        <FormGroup label={t("common.cluster")} fieldId="binding-cluster" isRequired>
          <FormSelect id="binding-cluster" value={cluster} onChange={(_e, v) => setCluster(v)}>
            <FormSelectOption value="" label={t("binding.chooseCluster")} isPlaceholder />
            {(me?.clusters ?? []).map((c) => (
              <FormSelectOption key={c.name} value={c.name} label={c.name} />
            ))}
          </FormSelect>
        </FormGroup>
      )}
      {needsNs && (
        <FormGroup label={t("common.namespace")} fieldId="binding-namespace" isRequired>
          <TextInput id="binding-namespace" isRequired value={namespace} onChange={(_e, v) => setNamespace(v)} />
        </FormGroup>
      )}
    </FormDialog>
  );
}

function GrantFor({ item, params, onClose }: RowDialogProps<User>) {
  return <GrantRole params={params} onClose={onClose} user={item.name} />;
}

function Revoke({ item, onClose }: RowDialogProps<RoleBinding>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t("binding.revokeTitle")}
      body={t("binding.revokeBody", { user: item.user, role: t(`role.${item.role}`), where: [item.cluster, item.namespace].filter(Boolean).join("/") || t("binding.platform") })}
      confirmLabel={t("binding.revoke")}
      onClose={onClose}
      onConfirm={() => del(paths.roleBinding(item.name))}
    />
  );
}

export const userKind = kind<User>({
  kind: "User",
  title: "nav.users",
  path: () => paths.users,
  key: (u) => u.name,
  search: false,
  columns: [
    { id: "name", title: "common.name", render: (u) => u.name },
    { id: "displayName", title: "user.displayName", render: (u) => u.displayName ?? "–" },
    { id: "status", title: "common.status", render: (u) => <StatusLabel status={u.disabled ? "Disabled" : "Active"} /> },
    { id: "created", title: "common.created", render: (u) => dateTime(u.createdAt) },
  ],
  toolbarActions: [{ id: "create", label: "user.create", action: "users.manage", dialog: CreateUser }],
  rowActions: [
    { id: "grant", label: "binding.grant", action: "users.manage", dialog: GrantFor },
    { id: "delete", label: "common.delete", action: "users.manage", danger: true, applies: (u) => u.name !== "admin", dialog: DeleteUser },
  ],
});

export const roleBindingKind = kind<RoleBinding>({
  kind: "RoleBinding",
  title: "nav.roleBindings",
  path: () => paths.roleBindings,
  key: (b) => b.name,
  search: false,
  filters: [
    { id: "role", title: "binding.role", type: "select", options: ROLES.map((r) => ({ value: r, label: `role.${r}` })) },
    { id: "user", title: "binding.user", type: "text" },
    { id: "cluster", title: "common.cluster", type: "text" },
    { id: "namespace", title: "common.namespace", type: "text" },
  ],
  where: (b) => ({ cluster: b.cluster, namespace: b.namespace }),
  columns: [
    { id: "user", title: "binding.user", render: (b) => b.user },
    { id: "role", title: "binding.role", render: (b) => <RoleLabel role={b.role} /> },
    { id: "cluster", title: "common.cluster", render: (b) => b.cluster ?? "–" },
    { id: "namespace", title: "common.namespace", render: (b) => b.namespace ?? "–" },
    { id: "name", title: "common.name", render: (b) => b.name },
  ],
  toolbarActions: [{ id: "grant", label: "binding.grant", action: "rbac.edit", dialog: GrantRole }],
  rowActions: [
    // An NS binding: its namespace's NSAdmin, the cluster's ClusterAdmin or an Owner; a wider one: Owners.
    { id: "revoke", label: "binding.revoke", action: "rbac.edit", danger: true, applies: (b) => !!b.namespace, dialog: Revoke },
    { id: "revokeWide", label: "binding.revoke", action: "users.manage", danger: true, applies: (b) => !b.namespace, dialog: Revoke },
  ],
});

function RoleLabel({ role }: { role: Role }) {
  const { t } = useTranslation();
  return <>{t(`role.${role}`)}</>;
}

const TTLS = [
  { seconds: 86400, label: "token.ttl1d" },
  { seconds: 7 * 86400, label: "token.ttl7d" },
  { seconds: 30 * 86400, label: "token.ttl30d" },
  { seconds: 90 * 86400, label: "token.ttl90d" },
  { seconds: 365 * 86400, label: "token.ttl1y" },
];

function CreateToken({ onClose }: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [ttl, setTtl] = useState(30 * 86400);
  const [created, setCreated] = useState<NewApiToken>();
  return (
    <FormDialog
      title={t("token.create")}
      submitLabel={created ? t("common.close") : t("common.create")}
      canSubmit={!!name}
      closeOnSuccess={!!created}
      onClose={onClose}
      onSubmit={async () => {
        if (!created) setCreated(await post<NewApiToken>(paths.tokens, { name, expirationSeconds: ttl }));
      }}
    >
      {created ? (
        <>
          <Alert isInline variant="warning" title={t("token.shownOnce")} />
          <ClipboardCopy isReadOnly hoverTip={t("common.copy")} clickTip={t("common.copied")} textAriaLabel={t("token.value")} data-testid="new-token">
            {created.token}
          </ClipboardCopy>
        </>
      ) : (
        <>
          <FormGroup label={t("common.name")} fieldId="token-name" isRequired>
            <TextInput id="token-name" isRequired value={name} onChange={(_e, v) => setName(v)} autoComplete="off" />
          </FormGroup>
          <FormGroup label={t("token.expiresIn")} fieldId="token-ttl">
            <FormSelect id="token-ttl" value={String(ttl)} onChange={(_e, v) => setTtl(Number(v))}>
              {TTLS.map((o) => (
                <FormSelectOption key={o.seconds} value={String(o.seconds)} label={t(o.label)} />
              ))}
            </FormSelect>
          </FormGroup>
        </>
      )}
    </FormDialog>
  );
}

function RevokeToken({ item, onClose }: RowDialogProps<ApiToken>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t("token.revokeTitle", { name: item.name })}
      body={t("token.revokeBody")}
      confirmLabel={t("binding.revoke")}
      onClose={onClose}
      onConfirm={() => del(paths.token(item.name))}
    />
  );
}

export const tokenKind = kind<ApiToken>({
  kind: "APIToken",
  title: "nav.tokens",
  path: () => paths.tokens,
  key: (k) => k.name,
  search: false,
  columns: [
    { id: "name", title: "common.name", render: (k) => k.name },
    { id: "status", title: "common.status", render: (k) => <StatusLabel status={k.expired ? "Expired" : "Active"} /> },
    { id: "expires", title: "token.expires", render: (k) => dateTime(k.expiresAt) },
    { id: "created", title: "common.created", render: (k) => dateTime(k.createdAt) },
  ],
  toolbarActions: [{ id: "create", label: "token.create", dialog: CreateToken }],
  rowActions: [{ id: "revoke", label: "binding.revoke", danger: true, dialog: RevokeToken }],
});
