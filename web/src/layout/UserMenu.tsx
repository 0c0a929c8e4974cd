// The user menu: language (remembered), a kubeconfig for a cluster, API
// tokens, and logout.
import { Divider, Dropdown, DropdownGroup, DropdownItem, DropdownList, MenuToggle } from "@patternfly/react-core";
import UserIcon from "@patternfly/react-icons/dist/esm/icons/user-icon";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { post } from "../api/client.ts";
import { useMe } from "../api/me.ts";
import { paths } from "../api/paths.ts";
import { session } from "../api/session.ts";
import { LANGUAGES, setLanguage } from "../i18n/index.ts";

// Opened from the menu only: its chunk (and the cluster dialogs it shares) stays out of the start-up bundle.
const KubeconfigDialog = lazy(() => import("./KubeconfigDialog.tsx").then((m) => ({ default: m.KubeconfigDialog })));

export function UserMenu() {
  const { t, i18n } = useTranslation();
  const me = useMe().data;
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [kubeconfig, setKubeconfig] = useState(false);
  const name = me?.name ?? session.get()?.user ?? "";
  const logout = async () => {
    // The session cookie goes first: with it, the next page loaded would sign the browser back in.
    await post(paths.logout).catch(() => {});
    session.clear();
    client.clear();
    navigate("/login");
  };
  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        popperProps={{ position: "right" }}
        toggle={(ref) => (
          <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} variant="plainText" icon={<UserIcon />} aria-label={t("user.menuOf", { name })}>
            {name}
          </MenuToggle>
        )}
      >
        <DropdownGroup label={t("user.language")}>
          <DropdownList>
            {LANGUAGES.map((l) => (
              <DropdownItem
                key={l.code}
                isSelected={i18n.language === l.code}
                onClick={() => {
                  setLanguage(l.code);
                  setOpen(false);
                }}
                lang={l.code === "zh" ? "zh-CN" : "en"}
              >
                {l.label}
              </DropdownItem>
            ))}
          </DropdownList>
        </DropdownGroup>
        <Divider />
        <DropdownList>
          <DropdownItem
            onClick={() => {
              setKubeconfig(true);
              setOpen(false);
            }}
          >
            {t("user.kubeconfig")}
          </DropdownItem>
          <DropdownItem
            onClick={() => {
              navigate("/access/tokens");
              setOpen(false);
            }}
          >
            {t("nav.tokens")}
          </DropdownItem>
          <DropdownItem onClick={() => void logout()}>{t("user.logout")}</DropdownItem>
        </DropdownList>
      </Dropdown>
      {kubeconfig && (
        <Suspense fallback={null}>
          <KubeconfigDialog onClose={() => setKubeconfig(false)} />
        </Suspense>
      )}
    </>
  );
}
