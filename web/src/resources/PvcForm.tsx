// Create a PersistentVolumeClaim from a form: name, namespace, the storage
// size asked for (a quantity, checked before sending as the member's decoding
// would), its access modes, its storage class (picked from the cluster's
// StorageClasses where the REST lists them to the caller, else typed; empty
// is the cluster's default) and its volume mode. The shared create dialog
// runs the dry run first.
import { Checkbox, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, TextInput } from "@patternfly/react-core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import type { KObject } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { CreateDialog, Field } from "./CreateDialog.tsx";
import { ACCESS_MODES, pvcObject, VOLUME_MODES } from "./objects.ts";
import { isQuantity } from "./quantity.ts";

/** The names of the cluster's StorageClasses from the cache's list; none when it is not readable (a ClusterAdmin's only). */
function useStorageClasses(cluster: string) {
  return useQuery<string[], ApiError>({
    queryKey: ["storageClassNames", cluster],
    queryFn: async ({ signal }) => {
      const r = await get<{ items: KObject[] }>(`${paths.cluster(cluster)}/storageclasses`, { pageSize: 500, sortBy: "name" }, signal);
      return r.items.map((o) => o.metadata.name);
    },
    retry: false,
    staleTime: 10_000,
  });
}

function StorageClassInput({ cluster, value, onChange }: { cluster: string; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const classes = useStorageClasses(cluster).data;
  if (!classes?.length) return <TextInput id="pvc-class" value={value} onChange={(_e, v) => onChange(v)} placeholder={t("resources.pvcForm.defaultClass")} />;
  return (
    <FormSelect id="pvc-class" value={value} onChange={(_e, v) => onChange(v)}>
      <FormSelectOption value="" label={t("resources.pvcForm.defaultClass")} />
      {classes.map((c) => (
        <FormSelectOption key={c} value={c} label={c} />
      ))}
    </FormSelect>
  );
}

export function PvcForm(props: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [storage, setStorage] = useState("1Gi");
  const [modes, setModes] = useState<string[]>(["ReadWriteOnce"]);
  const [storageClass, setStorageClass] = useState("");
  const [volumeMode, setVolumeMode] = useState("Filesystem");
  const size = storage.trim();
  const toggle = (m: string, on: boolean) => setModes(ACCESS_MODES.filter((x) => (x === m ? on : modes.includes(x))));
  return (
    <CreateDialog
      {...props}
      title={t("resources.pvcForm.title")}
      id="pvc"
      plural="persistentvolumeclaims"
      canSubmit={isQuantity(size)}
      object={(name, namespace) => pvcObject(name, namespace, { storage, accessModes: modes, storageClass, volumeMode })}
    >
      {({ error }) => (
        <>
          <Field label={t("resources.pvcForm.storage")} id="pvc-storage" error={error} fields={["spec.resources"]} isRequired>
            <TextInput
              id="pvc-storage"
              isRequired
              value={storage}
              onChange={(_e, v) => setStorage(v)}
              validated={isQuantity(size) ? "default" : "error"}
              aria-describedby="pvc-storage-help"
            />
            <FormHelperText>
              <HelperText id="pvc-storage-help">
                <HelperTextItem variant={isQuantity(size) ? "default" : "error"}>
                  {isQuantity(size) ? t("resources.pvcForm.storageHelp") : t("resources.pvcForm.storageInvalid", { value: storage })}
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
          </Field>
          <Field label={t("resources.col.accessModes")} id="pvc-modes" error={error} fields={["spec.accessModes"]} isRequired>
            <div id="pvc-modes">
              {ACCESS_MODES.map((m) => (
                <Checkbox key={m} id={`pvc-mode-${m}`} label={m} isChecked={modes.includes(m)} onChange={(_e, on) => toggle(m, on)} />
              ))}
            </div>
          </Field>
          <Field label={t("resources.col.storageClass")} id="pvc-class" error={error} fields={["spec.storageClassName"]}>
            <StorageClassInput cluster={props.params.cluster!} value={storageClass} onChange={setStorageClass} />
          </Field>
          <Field label={t("resources.pvcForm.volumeMode")} id="pvc-volume-mode" error={error} fields={["spec.volumeMode"]}>
            <FormSelect id="pvc-volume-mode" value={volumeMode} onChange={(_e, v) => setVolumeMode(v)}>
              {VOLUME_MODES.map((x) => (
                <FormSelectOption key={x} value={x} label={x} />
              ))}
            </FormSelect>
          </Field>
        </>
      )}
    </CreateDialog>
  );
}
