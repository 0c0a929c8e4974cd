// The actions on one workload, each shown only where GET /me allows
// workloads.edit in its namespace and only when it applies (stop a running
// one, start a stopped one): edit YAML, scale, change an image, restart,
// stop / start, pause / resume, delete.
import {
  Button,
  Dropdown,
  DropdownItem,
  DropdownList,
  FormGroup,
  FormSelect,
  FormSelectOption,
  MenuToggle,
  NumberInput,
  TextInput,
} from "@patternfly/react-core";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import {
  appPaths,
  appRoutes,
  type KObject,
  patchStrategic,
  runAction,
  templateContainers,
  type WorkloadKind,
} from "../api/apps.ts";
import { del, put } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { useNotify } from "../components/Notifications.tsx";
import { actionApplies } from "../kinds/workloads.tsx";
import type { WorkloadRef } from "./RevisionsTab.tsx";

type Dialog = "scale" | "image" | "delete";

export function WorkloadActions({ w, wk, o }: { w: WorkloadRef; wk: WorkloadKind; o: KObject }) {
  const { t } = useTranslation();
  const can = useCan();
  const notify = useNotify();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>();
  if (!can("workloads.edit", { cluster: w.cluster, namespace: w.namespace })) return null;
  const run = async (action: string) => {
    try {
      await runAction(w.cluster, w.namespace, w.plural, w.name, action);
      notify("success", t(`apps.done.${action}`, { name: w.name }));
      await client.invalidateQueries();
    } catch (e) {
      notify("danger", t("error.actionFailed", { action: t(`apps.action.${action}`) }), (e as Error).message);
    }
  };
  const items = [
    <DropdownItem
      key="edit"
      onClick={() => navigate(appRoutes.edit(w.cluster, w.namespace, w.plural, w.name))}
    >
      {t("apps.editYaml")}
    </DropdownItem>,
    wk.scalable && (
      <DropdownItem key="scale" onClick={() => setDialog("scale")}>
        {t("apps.scale")}
      </DropdownItem>
    ),
    // A Job's pod template cannot change (the member refuses it).
    wk.plural !== "jobs" && templateContainers(o).length > 0 && (
      <DropdownItem key="image" onClick={() => setDialog("image")}>
        {t("apps.changeImage")}
      </DropdownItem>
    ),
    ...wk.actions
      .filter((a) => actionApplies(a, o))
      .map((a) => (
        <DropdownItem key={a} onClick={() => run(a)}>
          {t(`apps.action.${a}`)}
        </DropdownItem>
      )),
    <DropdownItem key="delete" isDanger onClick={() => setDialog("delete")}>
      {t("common.delete")}
    </DropdownItem>,
  ].filter(Boolean);
  const close = () => {
    setDialog(undefined);
    void client.invalidateQueries();
  };
  return (
    <>
      {/* The create wizard edits the kinds it makes with replicas (apps/formEdit.ts). */}
      {(w.plural === "deployments" || w.plural === "statefulsets") && (
        <Button
          variant="secondary"
          className="pf-v6-u-mr-sm"
          onClick={() => navigate(`${appRoutes.workload(w.cluster, w.namespace, w.plural, w.name)}/form`)}
        >
          {t("formEdit.edit")}
        </Button>
      )}
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        onSelect={() => setOpen(false)}
        popperProps={{ position: "right" }}
        toggle={(ref) => (
          <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open}>
            {t("common.actions")}
          </MenuToggle>
        )}
      >
        <DropdownList>{items}</DropdownList>
      </Dropdown>
      {dialog === "scale" && <ScaleDialog w={w} replicas={o.spec?.replicas ?? 1} onClose={close} />}
      {dialog === "image" && <ImageDialog w={w} o={o} onClose={close} />}
      {dialog === "delete" && (
        <ConfirmDialog
          title={t("apps.deleteTitle", { name: w.name })}
          body={<Trans i18nKey="apps.deleteBody" values={{ name: w.name }} components={{ b: <strong /> }} />}
          confirmLabel={t("common.delete")}
          onClose={() => setDialog(undefined)}
          onConfirm={async () => {
            await del(appPaths.object(w.cluster, w.namespace, w.plural, w.name));
            navigate(appRoutes.workloads(w.cluster, w.plural, w.namespace));
          }}
        />
      )}
    </>
  );
}

export function ScaleDialog({
  w,
  replicas,
  onClose,
}: {
  w: WorkloadRef;
  replicas: number;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [n, setN] = useState(replicas);
  return (
    <FormDialog
      title={t("apps.scaleTitle", { name: w.name })}
      submitLabel={t("apps.scale")}
      variant="small"
      canSubmit={Number.isInteger(n) && n >= 0}
      onClose={onClose}
      onSubmit={() => put(appPaths.scale(w.cluster, w.namespace, w.plural, w.name), { replicas: n })}
    >
      <FormGroup label={t("apps.replicas")} fieldId="scale-replicas">
        <NumberInput
          id="scale-replicas"
          value={n}
          min={0}
          inputName="replicas"
          inputAriaLabel={t("apps.replicas")}
          minusBtnAriaLabel={t("common.decrease")}
          plusBtnAriaLabel={t("common.increase")}
          onMinus={() => setN(Math.max(0, n - 1))}
          onPlus={() => setN(n + 1)}
          onChange={(e) => setN(Number((e.target as HTMLInputElement).value))}
        />
      </FormGroup>
    </FormDialog>
  );
}

/** A new image for one container: a strategic merge patch of the pod template, as kubectl set image sends. */
function ImageDialog({ w, o, onClose }: { w: WorkloadRef; o: KObject; onClose: () => void }) {
  const { t } = useTranslation();
  const containers = templateContainers(o);
  const [container, setContainer] = useState(containers[0]?.name ?? "");
  const [image, setImage] = useState(containers[0]?.image ?? "");
  const podSpec = { containers: [{ name: container, image }] };
  const patch = o.spec?.jobTemplate
    ? { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }
    : { spec: { template: { spec: podSpec } } };
  return (
    <FormDialog
      title={t("apps.changeImageOf", { name: w.name })}
      submitLabel={t("common.save")}
      canSubmit={!!container && !!image.trim()}
      onClose={onClose}
      onSubmit={() => patchStrategic(w.cluster, w.namespace, w.plural, w.name, patch)}
    >
      <FormGroup label={t("apps.container")} fieldId="image-container">
        <FormSelect
          id="image-container"
          value={container}
          onChange={(_e, v) => {
            setContainer(v);
            setImage(containers.find((c) => c.name === v)?.image ?? "");
          }}
        >
          {containers.map((c) => (
            <FormSelectOption key={c.name} value={c.name} label={c.name} />
          ))}
        </FormSelect>
      </FormGroup>
      <FormGroup label={t("apps.image")} fieldId="image-name" isRequired>
        <TextInput id="image-name" isRequired value={image} onChange={(_e, v) => setImage(v)} />
      </FormGroup>
    </FormDialog>
  );
}
