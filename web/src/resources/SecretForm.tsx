// Create a Secret from a form: name, namespace and type, then the type's
// data: key/value pairs for Opaque; a registry's server, user, password and
// email for kubernetes.io/dockerconfigjson (made into .dockerconfigjson as
// `kubectl create secret docker-registry` does); a certificate and key for
// kubernetes.io/tls. Values go as stringData (the member encodes them) and
// are never logged; the shared create dialog runs the dry run first.
import { FormSelect, FormSelectOption, TextArea, TextInput } from "@patternfly/react-core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { KeyValueEditor, type Row, toData } from "../components/KeyValueEditor.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { CreateDialog, Field } from "./CreateDialog.tsx";
import { type Registry, SECRET_TYPES, type SecretType, secretObject } from "./objects.ts";

function RegistryFields({ value, onChange, error }: { value: Registry; onChange: (r: Registry) => void; error: unknown }) {
  const { t } = useTranslation();
  const field = (k: keyof Registry, type: "text" | "password" | "email" = "text") => (
    <Field label={t(`resources.secretForm.${k}`)} id={`secret-${k}`} error={error} fields={k === "server" ? ["data[.dockerconfigjson]", "stringData[.dockerconfigjson]"] : []} isRequired={k !== "email"}>
      <TextInput id={`secret-${k}`} type={type} value={value[k]} onChange={(_e, v) => onChange({ ...value, [k]: v })} />
    </Field>
  );
  return (
    <>
      {field("server")}
      {field("username")}
      {field("password", "password")}
      {field("email", "email")}
    </>
  );
}

export function SecretForm(props: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [type, setType] = useState<SecretType>("Opaque");
  const [rows, setRows] = useState<Row[]>([{ key: "", value: "" }]);
  const [registry, setRegistry] = useState<Registry>({ server: "", username: "", password: "", email: "" });
  const [tls, setTls] = useState({ crt: "", key: "" });
  const complete =
    type === "Opaque" ||
    (type === "kubernetes.io/tls" ? !!tls.crt.trim() && !!tls.key.trim() : !!registry.server.trim() && !!registry.username);
  // The member names stringData's keys as data's (a v1 Secret's stringData is merged into data before validation).
  const dataFields = (key?: string) => (key ? [`data[${key}]`, `stringData[${key}]`] : ["data", "stringData"]);
  return (
    <CreateDialog
      {...props}
      title={t("resources.secretForm.title")}
      id="secret"
      plural="secrets"
      canSubmit={complete}
      object={(name, namespace) => secretObject(name, namespace, type, { pairs: toData(rows), registry, tls })}
    >
      {({ error }) => (
        <>
          <Field label={t("resources.col.type")} id="secret-type" error={error} fields={["type"]}>
            <FormSelect id="secret-type" value={type} onChange={(_e, v) => setType(v as SecretType)}>
              {SECRET_TYPES.map((x) => (
                <FormSelectOption key={x} value={x} label={x} />
              ))}
            </FormSelect>
          </Field>
          {type === "Opaque" && (
            <Field label={t("resources.configMapForm.data")} id="secret-data" error={error} fields={dataFields()}>
              <KeyValueEditor id="secret-data" rows={rows} onChange={setRows} addLabel={t("resources.configMapForm.add")} />
            </Field>
          )}
          {type === "kubernetes.io/dockerconfigjson" && <RegistryFields value={registry} onChange={setRegistry} error={error} />}
          {type === "kubernetes.io/tls" && (
            <>
              <Field label={t("resources.secretForm.crt")} id="secret-crt" error={error} fields={dataFields("tls.crt")} isRequired>
                <TextArea id="secret-crt" value={tls.crt} onChange={(_e, crt) => setTls({ ...tls, crt })} rows={4} placeholder="-----BEGIN CERTIFICATE-----" />
              </Field>
              <Field label={t("resources.secretForm.key")} id="secret-key" error={error} fields={dataFields("tls.key")} isRequired>
                <TextArea id="secret-key" value={tls.key} onChange={(_e, key) => setTls({ ...tls, key })} rows={4} placeholder="-----BEGIN PRIVATE KEY-----" />
              </Field>
            </>
          )}
        </>
      )}
    </CreateDialog>
  );
}
