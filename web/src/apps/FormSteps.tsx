// The steps of the create-by-form wizard: basic information, the container
// (image, command, ports, environment from values, ConfigMaps and Secrets,
// requests and limits, probes), a Service, and advanced settings. Each edits
// its part of the AppForm (apps/formModel.ts).
import {
  Button,
  Checkbox,
  Flex,
  FlexItem,
  FormGroup,
  FormSelect,
  FormSelectOption,
  TextInput,
} from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { appPaths, type KObject } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { KeyValueEditor, toMap, toRows } from "../components/KeyValueEditor.tsx";
import { NamespacePicker } from "../components/NamespacePicker.tsx";
import type { AppForm, EnvRow, Probe } from "./formModel.ts";

/** `editing`: the form edits an existing workload, whose kind, name and namespace are fixed. */
export type StepProps = { form: AppForm; set: (f: Partial<AppForm>) => void; cluster: string; editing?: boolean };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const validName = (n: string) => DNS_LABEL.test(n) && n.length <= 63;

function Text({
  id,
  label,
  value,
  onChange,
  required,
  placeholder,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  required?: boolean;
  placeholder?: string;
  disabled?: boolean;
}) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={required}>
      <TextInput
        id={id}
        value={value}
        isDisabled={disabled}
        isRequired={required}
        placeholder={placeholder}
        onChange={(_e, v) => onChange(v)}
      />
    </FormGroup>
  );
}

export function BasicStep({ form, set, cluster, editing }: StepProps) {
  const { t } = useTranslation();
  const [labels, setLabels] = useState(toRows(form.labels));
  return (
    <>
      <FormGroup label={t("apps.form.kind")} fieldId="form-kind">
        <FormSelect
          id="form-kind"
          value={form.kind}
          isDisabled={editing}
          onChange={(_e, v) => set({ kind: v as AppForm["kind"] })}
        >
          {(["Deployment", "StatefulSet", "DaemonSet"] as const).map((k) => (
            <FormSelectOption key={k} value={k} label={k} />
          ))}
        </FormSelect>
      </FormGroup>
      <Text
        id="form-name"
        label={t("common.name")}
        value={form.name}
        onChange={(name) => set({ name })}
        required
        disabled={editing}
      />
      <FormGroup label={t("common.namespace")} fieldId="form-namespace" isRequired>
        {editing ? (
          <TextInput id="form-namespace" value={form.namespace} isDisabled />
        ) : (
          <NamespacePicker
            id="form-namespace"
            cluster={cluster}
            value={form.namespace || undefined}
            all={false}
            onChange={(ns) => set({ namespace: ns ?? "" })}
          />
        )}
      </FormGroup>
      {form.kind !== "DaemonSet" && (
        <Text
          id="form-replicas"
          label={t("apps.replicas")}
          value={form.replicas}
          onChange={(replicas) => set({ replicas })}
        />
      )}
      <FormGroup label={t("common.labels")} fieldId="form-labels" role="group">
        <KeyValueEditor
          id="form-labels"
          rows={labels}
          onChange={(rows) => {
            setLabels(rows);
            set({ labels: toMap(rows) });
          }}
        />
      </FormGroup>
    </>
  );
}

function useConfigMaps(cluster: string, namespace: string) {
  return useQuery<KObject[]>({
    queryKey: ["configMapsOf", cluster, namespace],
    enabled: !!namespace,
    queryFn: async ({ signal }) =>
      (
        await get<{ items: KObject[] }>(
          appPaths.list(cluster, "configmaps", namespace),
          { pageSize: 500, sortBy: "name" },
          signal,
        )
      ).items,
  });
}

function EnvEditor({ form, set, cluster }: StepProps) {
  const { t } = useTranslation();
  const maps = useConfigMaps(cluster, form.namespace).data ?? [];
  const rows = form.env;
  const put = (i: number, r: Partial<EnvRow>) =>
    set({ env: rows.map((x, j) => (j === i ? { ...x, ...r } : x)) });
  return (
    <div>
      {rows.map((r, i) => {
        const keys = Object.keys(
          (maps.find((m) => m.metadata.name === r.ref)?.data as Record<string, string>) ?? {},
        );
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows edited in place
          <Flex key={i} className="pf-v6-u-mb-sm" flexWrap={{ default: "nowrap" }} gap={{ default: "gapSm" }}>
            <FlexItem grow={{ default: "grow" }}>
              <TextInput
                aria-label={t("apps.form.envName", { n: i + 1 })}
                placeholder={t("apps.form.envNamePlaceholder")}
                value={r.name}
                onChange={(_e, name) => put(i, { name })}
              />
            </FlexItem>
            <FlexItem>
              <FormSelect
                aria-label={t("apps.form.envSource", { n: i + 1 })}
                value={r.source}
                onChange={(_e, v) => put(i, { source: v as EnvRow["source"], ref: "", key: "" })}
              >
                {(["value", "configMap", "secret"] as const).map((s) => (
                  <FormSelectOption key={s} value={s} label={t(`apps.form.source.${s}`)} />
                ))}
              </FormSelect>
            </FlexItem>
            {r.source === "value" && (
              <FlexItem grow={{ default: "grow" }}>
                <TextInput
                  aria-label={t("apps.form.envValue", { n: i + 1 })}
                  value={r.value}
                  onChange={(_e, value) => put(i, { value })}
                />
              </FlexItem>
            )}
            {r.source === "configMap" && (
              <>
                <FlexItem>
                  <FormSelect
                    aria-label={t("apps.form.envConfigMap", { n: i + 1 })}
                    value={r.ref}
                    onChange={(_e, ref) => put(i, { ref, key: "" })}
                  >
                    <FormSelectOption value="" label={t("apps.form.choose")} isPlaceholder />
                    {maps.map((m) => (
                      <FormSelectOption
                        key={m.metadata.name}
                        value={m.metadata.name}
                        label={m.metadata.name}
                      />
                    ))}
                  </FormSelect>
                </FlexItem>
                <FlexItem>
                  <FormSelect
                    aria-label={t("apps.form.envKey", { n: i + 1 })}
                    value={r.key}
                    onChange={(_e, key) => put(i, { key })}
                  >
                    <FormSelectOption value="" label={t("apps.form.choose")} isPlaceholder />
                    {keys.map((k) => (
                      <FormSelectOption key={k} value={k} label={k} />
                    ))}
                  </FormSelect>
                </FlexItem>
              </>
            )}
            {r.source === "secret" && (
              <>
                <FlexItem grow={{ default: "grow" }}>
                  <TextInput
                    aria-label={t("apps.form.envSecret", { n: i + 1 })}
                    placeholder={t("apps.form.secretName")}
                    value={r.ref}
                    onChange={(_e, ref) => put(i, { ref })}
                  />
                </FlexItem>
                <FlexItem grow={{ default: "grow" }}>
                  <TextInput
                    aria-label={t("apps.form.envKey", { n: i + 1 })}
                    placeholder={t("apps.form.key")}
                    value={r.key}
                    onChange={(_e, key) => put(i, { key })}
                  />
                </FlexItem>
              </>
            )}
            <FlexItem>
              <Button
                variant="plain"
                aria-label={t("kv.remove", { n: i + 1 })}
                icon={<MinusCircleIcon />}
                onClick={() => set({ env: rows.filter((_x, j) => j !== i) })}
              />
            </FlexItem>
          </Flex>
        );
      })}
      <Button
        variant="link"
        isInline
        icon={<PlusCircleIcon />}
        onClick={() => set({ env: [...rows, { name: "", source: "value", value: "", ref: "", key: "" }] })}
      >
        {t("apps.form.addEnv")}
      </Button>
    </div>
  );
}

function ProbeEditor({
  id,
  label,
  probe,
  onChange,
}: {
  id: string;
  label: string;
  probe: Probe;
  onChange: (p: Probe) => void;
}) {
  const { t } = useTranslation();
  return (
    <FormGroup label={label} fieldId={`${id}-type`} role="group">
      <Flex gap={{ default: "gapSm" }}>
        <FormSelect
          id={`${id}-type`}
          aria-label={label}
          value={probe.type}
          onChange={(_e, v) => onChange({ ...probe, type: v as Probe["type"] })}
          style={{ maxWidth: "12rem" }}
        >
          {(["none", "http", "tcp"] as const).map((x) => (
            <FormSelectOption key={x} value={x} label={t(`apps.form.probe.${x}`)} />
          ))}
        </FormSelect>
        {probe.type === "http" && (
          <TextInput
            aria-label={t("apps.form.probePath", { probe: label })}
            value={probe.path}
            onChange={(_e, path) => onChange({ ...probe, path })}
            style={{ maxWidth: "12rem" }}
          />
        )}
        {probe.type !== "none" && (
          <TextInput
            aria-label={t("apps.form.probePort", { probe: label })}
            placeholder={t("apps.form.port")}
            value={probe.port}
            onChange={(_e, port) => onChange({ ...probe, port })}
            style={{ maxWidth: "8rem" }}
          />
        )}
      </Flex>
    </FormGroup>
  );
}

export function ContainerStep(p: StepProps) {
  const { t } = useTranslation();
  const { form, set } = p;
  const res = (k: "requests" | "limits", r: "cpu" | "memory", v: string) =>
    set({ [k]: { ...form[k], [r]: v } });
  return (
    <>
      <Text
        id="form-image"
        label={t("apps.image")}
        value={form.image}
        onChange={(image) => set({ image })}
        required
        placeholder="nginx:1.27"
      />
      <Text
        id="form-command"
        label={t("apps.form.command")}
        value={form.command}
        onChange={(command) => set({ command })}
      />
      <Text id="form-args" label={t("apps.form.args")} value={form.args} onChange={(args) => set({ args })} />
      <Text
        id="form-ports"
        label={t("apps.form.ports")}
        value={form.ports}
        onChange={(ports) => set({ ports })}
        placeholder="80, 443"
      />
      <FormGroup label={t("apps.form.env")} fieldId="form-env" role="group">
        <EnvEditor {...p} />
      </FormGroup>
      <Flex gap={{ default: "gapMd" }}>
        <Text
          id="form-req-cpu"
          label={t("apps.form.requestCpu")}
          value={form.requests.cpu}
          onChange={(v) => res("requests", "cpu", v)}
          placeholder="100m"
        />
        <Text
          id="form-req-mem"
          label={t("apps.form.requestMemory")}
          value={form.requests.memory}
          onChange={(v) => res("requests", "memory", v)}
          placeholder="128Mi"
        />
        <Text
          id="form-lim-cpu"
          label={t("apps.form.limitCpu")}
          value={form.limits.cpu}
          onChange={(v) => res("limits", "cpu", v)}
          placeholder="500m"
        />
        <Text
          id="form-lim-mem"
          label={t("apps.form.limitMemory")}
          value={form.limits.memory}
          onChange={(v) => res("limits", "memory", v)}
          placeholder="256Mi"
        />
      </Flex>
      <ProbeEditor
        id="form-readiness"
        label={t("apps.form.readiness")}
        probe={form.readiness}
        onChange={(readiness) => set({ readiness })}
      />
      <ProbeEditor
        id="form-liveness"
        label={t("apps.form.liveness")}
        probe={form.liveness}
        onChange={(liveness) => set({ liveness })}
      />
    </>
  );
}

export function ServiceStep({ form, set }: StepProps) {
  const { t } = useTranslation();
  const s = form.service;
  return (
    <>
      <Checkbox
        id="form-service"
        label={t("apps.form.serviceEnabled")}
        isChecked={s.enabled}
        onChange={(_e, enabled) => set({ service: { ...s, enabled } })}
      />
      {s.enabled && (
        <>
          <FormGroup label={t("apps.form.serviceType")} fieldId="form-service-type">
            <FormSelect
              id="form-service-type"
              value={s.type}
              onChange={(_e, v) => set({ service: { ...s, type: v as "ClusterIP" | "NodePort" } })}
            >
              <FormSelectOption value="ClusterIP" label="ClusterIP" />
              <FormSelectOption value="NodePort" label="NodePort" />
            </FormSelect>
          </FormGroup>
          <Text
            id="form-service-port"
            label={t("apps.form.servicePort")}
            value={s.port}
            onChange={(port) => set({ service: { ...s, port } })}
            placeholder={form.ports.split(/[\s,]+/)[0]}
          />
        </>
      )}
    </>
  );
}

export function AdvancedStep({ form, set }: StepProps) {
  const { t } = useTranslation();
  const [annotations, setAnnotations] = useState(toRows(form.annotations));
  return (
    <>
      {form.kind !== "StatefulSet" && (
        <FormGroup label={t("apps.strategy")} fieldId="form-strategy">
          <FormSelect
            id="form-strategy"
            value={form.strategy}
            onChange={(_e, v) => set({ strategy: v as AppForm["strategy"] })}
          >
            <FormSelectOption value="" label={t("apps.form.defaultStrategy")} />
            <FormSelectOption value="RollingUpdate" label="RollingUpdate" />
            {form.kind === "Deployment" && <FormSelectOption value="Recreate" label="Recreate" />}
          </FormSelect>
        </FormGroup>
      )}
      <FormGroup label={t("apps.form.annotations")} fieldId="form-annotations" role="group">
        <KeyValueEditor
          id="form-annotations"
          rows={annotations}
          addLabel={t("apps.form.addAnnotation")}
          onChange={(rows) => {
            setAnnotations(rows);
            set({ annotations: toMap(rows) });
          }}
        />
      </FormGroup>
    </>
  );
}
