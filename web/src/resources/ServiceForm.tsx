// Create a Service from a form: name, namespace, type, the selector of the
// pods it sends to, and its ports (port, target port, protocol). Sent with
// dryRun=All first (the shared create dialog); the member's field errors are
// listed in the dialog and shown under their fields.
import { Button, Flex, FlexItem, FormSelect, FormSelectOption, TextInput } from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { KeyValueEditor, type Row, toMap } from "../components/KeyValueEditor.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { CreateDialog, Field } from "./CreateDialog.tsx";

// ExternalName needs spec.externalName instead of a selector and ports: YAML is the place for it.
const TYPES = ["ClusterIP", "NodePort", "LoadBalancer"];
const PROTOCOLS = ["TCP", "UDP", "SCTP"];

type Port = { port: string; targetPort: string; protocol: string };

/** A target port is a number or a container port's name (an IntOrString). */
const intOrName = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

export function servicePortsOf(rows: Port[]) {
  return rows
    .filter((p) => p.port.trim())
    .map((p, i, all) => ({
      // More than one port: each needs a name (kube's validation of ServicePort).
      ...(all.length > 1 ? { name: `port-${i + 1}` } : {}),
      port: Number(p.port.trim()),
      targetPort: p.targetPort.trim() ? intOrName(p.targetPort) : Number(p.port.trim()),
      protocol: p.protocol,
    }));
}

function PortRows({ rows, onChange }: { rows: Port[]; onChange: (r: Port[]) => void }) {
  const { t } = useTranslation();
  const set = (i: number, p: Partial<Port>) => onChange(rows.map((x, j) => (j === i ? { ...x, ...p } : x)));
  return (
    <div id="svc-ports">
      {rows.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place while being edited
        <Flex key={i} className="pf-v6-u-mb-sm" flexWrap={{ default: "nowrap" }}>
          <FlexItem grow={{ default: "grow" }}>
            <TextInput aria-label={t("resources.serviceForm.port", { n: i + 1 })} placeholder="80" value={p.port} onChange={(_e, port) => set(i, { port })} />
          </FlexItem>
          <FlexItem grow={{ default: "grow" }}>
            <TextInput
              aria-label={t("resources.serviceForm.targetPort", { n: i + 1 })}
              placeholder={t("resources.serviceForm.targetPlaceholder")}
              value={p.targetPort}
              onChange={(_e, targetPort) => set(i, { targetPort })}
            />
          </FlexItem>
          <FlexItem>
            <FormSelect aria-label={t("resources.serviceForm.protocol", { n: i + 1 })} value={p.protocol} onChange={(_e, protocol) => set(i, { protocol })}>
              {PROTOCOLS.map((x) => (
                <FormSelectOption key={x} value={x} label={x} />
              ))}
            </FormSelect>
          </FlexItem>
          <FlexItem>
            <Button variant="plain" aria-label={t("resources.serviceForm.removePort", { n: i + 1 })} onClick={() => onChange(rows.filter((_x, j) => j !== i))} icon={<MinusCircleIcon />} />
          </FlexItem>
        </Flex>
      ))}
      <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => onChange([...rows, { port: "", targetPort: "", protocol: "TCP" }])}>
        {t("resources.serviceForm.addPort")}
      </Button>
    </div>
  );
}

export function ServiceForm(props: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [type, setType] = useState("ClusterIP");
  const [selector, setSelector] = useState<Row[]>([{ key: "app", value: "" }]);
  const [ports, setPorts] = useState<Port[]>([{ port: "80", targetPort: "", protocol: "TCP" }]);
  return (
    <CreateDialog
      {...props}
      title={t("resources.serviceForm.title")}
      id="svc"
      plural="services"
      object={(name, namespace) => ({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace },
        spec: { type, selector: toMap(selector), ports: servicePortsOf(ports) },
      })}
    >
      {({ error }) => (
        <>
          <Field label={t("resources.col.type")} id="svc-type" error={error} fields={["spec.type"]}>
            <FormSelect id="svc-type" value={type} onChange={(_e, v) => setType(v)}>
              {TYPES.map((x) => (
                <FormSelectOption key={x} value={x} label={x} />
              ))}
            </FormSelect>
          </Field>
          <Field label={t("resources.serviceForm.selector")} id="svc-selector" error={error} fields={["spec.selector"]}>
            <KeyValueEditor id="svc-selector" rows={selector} onChange={setSelector} addLabel={t("resources.serviceForm.addSelector")} />
          </Field>
          <Field label={t("resources.col.ports")} id="svc-ports" error={error} fields={["spec.ports"]}>
            <PortRows rows={ports} onChange={setPorts} />
          </Field>
        </>
      )}
    </CreateDialog>
  );
}
