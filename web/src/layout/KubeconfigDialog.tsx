// Download a kubeconfig for one of the caller's clusters: it points at
// kpanda's Kubernetes proxy, with a token of the caller's own that expires as
// chosen.
import { FormGroup, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../api/me.ts";
import { FormDialog } from "../components/FormDialog.tsx";
import { downloadKubeconfig } from "../kinds/clusterDialogs.tsx";

const TTLS = [
  { seconds: 3600, label: "token.ttl1h" },
  { seconds: 86400, label: "token.ttl1d" },
  { seconds: 7 * 86400, label: "token.ttl7d" },
  { seconds: 30 * 86400, label: "token.ttl30d" },
  { seconds: 365 * 86400, label: "token.ttl1y" },
];

export function KubeconfigDialog({ onClose, cluster: fixed }: { onClose: () => void; cluster?: string }) {
  const { t } = useTranslation();
  const clusters = (useMe().data?.clusters ?? []).filter((c) => c.actions.includes("cluster.kubeconfig") || c.role);
  const [cluster, setCluster] = useState(fixed ?? "");
  const [ttl, setTtl] = useState(86400);
  const chosen = cluster || clusters[0]?.name || "";
  return (
    <FormDialog
      title={t("user.kubeconfig")}
      submitLabel={t("common.download")}
      canSubmit={!!chosen}
      variant="small"
      onClose={onClose}
      onSubmit={() => downloadKubeconfig(chosen, ttl)}
    >
      <FormGroup label={t("common.cluster")} fieldId="kc-cluster" isRequired>
        <FormSelect id="kc-cluster" value={chosen} onChange={(_e, v) => setCluster(v)} isDisabled={!!fixed}>
          {clusters.map((c) => (
            <FormSelectOption key={c.name} value={c.name} label={c.name} />
          ))}
        </FormSelect>
      </FormGroup>
      <FormGroup label={t("token.expiresIn")} fieldId="kc-ttl">
        <FormSelect id="kc-ttl" value={String(ttl)} onChange={(_e, v) => setTtl(Number(v))}>
          {TTLS.map((o) => (
            <FormSelectOption key={o.seconds} value={String(o.seconds)} label={t(o.label)} />
          ))}
        </FormSelect>
      </FormGroup>
    </FormDialog>
  );
}
