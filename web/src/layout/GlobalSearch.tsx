// The masthead's search box: finds objects by name across every cluster the
// user may see (the search page, over the cache's /asl lists).
import { SearchInput } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useSearchParams } from "react-router";

export function GlobalSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const [value, setValue] = useState("");
  // On the search page the box shows the query being searched.
  useEffect(() => {
    if (pathname === "/search") setValue(params.get("q") ?? "");
  }, [pathname, params]);
  // From the search page, the kind and filters chosen there stay.
  const go = (q: string) => {
    if (!q.trim()) return;
    const next = pathname === "/search" ? new URLSearchParams(params) : new URLSearchParams();
    next.set("q", q.trim());
    next.delete("page");
    navigate(`/search?${next}`);
  };
  return (
    <SearchInput
      aria-label={t("search.label")}
      placeholder={t("search.placeholder")}
      value={value}
      onChange={(_e, v) => setValue(v)}
      onSearch={(_e, v) => go(v)}
      onClear={() => setValue("")}
      style={{ minWidth: "18rem" }}
    />
  );
}
