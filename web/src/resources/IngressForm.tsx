// Create an Ingress from a form: name, namespace, ingress class, its rules
// (each a host, a path and its type, and the Service and port it sends to,
// the Service picked from the namespace's Services) and an optional TLS
// entry (hosts, and the Secret of their certificate, picked from the
// namespace's TLS Secrets where the caller may read Secrets). Each rule is one
// spec.rules entry, so the member's errors about it are shown under it. The
// shared create dialog runs the dry run first.
import { Button, Flex, FlexItem, FormSelect, FormSelectOption, TextInput } from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, type KObject } from "../api/apps.ts";
import { get } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import { CreateDialog, Field, FieldCauses } from "./CreateDialog.tsx";
import { type IngressRule, ingressObject, PATH_TYPES } from "./objects.ts";

type Rule = IngressRule;
const newRule = (): Rule => ({ host: "", path: "/", pathType: "Prefix", service: "", port: "" });

/** The namespace's Services (from the cache's list), to send a rule to. */
function useServices(cluster: string, namespace: string | undefined) {
  return useQuery<KObject[], ApiError>({
    queryKey: ["ingressFormServices", cluster, namespace],
    queryFn: async ({ signal }) => (await get<{ items: KObject[] }>(appPaths.list(cluster, "services", namespace), { pageSize: 500, sortBy: "name" }, signal)).items,
    enabled: !!namespace,
    staleTime: 10_000,
  });
}

/** The namespace's TLS Secrets (type kubernetes.io/tls), where GET /me lets the caller read Secrets; none otherwise. */
function useTlsSecrets(cluster: string, namespace: string | undefined) {
  const can = useCan();
  return useQuery<string[], ApiError>({
    queryKey: ["ingressFormTlsSecrets", cluster, namespace],
    queryFn: async ({ signal }) =>
      (await get<{ items: KObject[] }>(appPaths.list(cluster, "secrets", namespace), { pageSize: 500, sortBy: "name" }, signal)).items
        .filter((o) => o.type === "kubernetes.io/tls")
        .map((o) => o.metadata.name),
    enabled: !!namespace && can("secrets.view", { cluster, namespace }),
    retry: false,
    staleTime: 10_000,
  });
}

/** The Secret of the TLS entry: picked from the namespace's TLS Secrets when they can be listed, else typed. */
function TlsSecretInput({ cluster, namespace, value, onChange }: { cluster: string; namespace: string | undefined; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const secrets = useTlsSecrets(cluster, namespace).data;
  if (!secrets?.length) return <TextInput id="ing-tls-secret" value={value} onChange={(_e, v) => onChange(v)} />;
  return (
    <FormSelect id="ing-tls-secret" value={value} onChange={(_e, v) => onChange(v)}>
      <FormSelectOption value="" label={t("resources.ingressForm.noTls")} />
      {secrets.map((s) => (
        <FormSelectOption key={s} value={s} label={s} />
      ))}
    </FormSelect>
  );
}

type RulesProps = { cluster: string; namespace: string | undefined; rules: Rule[]; onChange: (r: Rule[]) => void; error: unknown };

function RuleRows({ cluster, namespace, rules, onChange, error }: RulesProps) {
  const { t } = useTranslation();
  const services = useServices(cluster, namespace).data ?? [];
  const set = (i: number, r: Partial<Rule>) => onChange(rules.map((x, j) => (j === i ? { ...x, ...r } : x)));
  const portsOf = (name: string): number[] => (services.find((s) => s.metadata.name === name)?.spec?.ports ?? []).map((p: { port: number }) => p.port);
  return (
    <div id="ing-rules">
      {rules.map((r, i) => {
        const n = i + 1;
        const ports = portsOf(r.service);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity but their place while being edited
          <div key={i} className="pf-v6-u-mb-md" data-testid={`rule-${n}`}>
            <Flex className="pf-v6-u-mb-sm" flexWrap={{ default: "nowrap" }}>
              <FlexItem grow={{ default: "grow" }}>
                <TextInput aria-label={t("resources.ingressForm.host", { n })} placeholder="shop.example.com" value={r.host} onChange={(_e, host) => set(i, { host })} />
              </FlexItem>
              <FlexItem grow={{ default: "grow" }}>
                <TextInput aria-label={t("resources.ingressForm.path", { n })} value={r.path} onChange={(_e, path) => set(i, { path })} />
              </FlexItem>
              <FlexItem>
                <FormSelect aria-label={t("resources.ingressForm.pathType", { n })} value={r.pathType} onChange={(_e, pathType) => set(i, { pathType })}>
                  {PATH_TYPES.map((x) => (
                    <FormSelectOption key={x} value={x} label={x} />
                  ))}
                </FormSelect>
              </FlexItem>
            </Flex>
            <Flex flexWrap={{ default: "nowrap" }}>
              <FlexItem grow={{ default: "grow" }}>
                <FormSelect aria-label={t("resources.ingressForm.service", { n })} value={r.service} onChange={(_e, service) => set(i, { service, port: String(portsOf(service)[0] ?? "") })}>
                  <FormSelectOption value="" label={t("resources.ingressForm.pickService")} isPlaceholder />
                  {services.map((s) => (
                    <FormSelectOption key={s.metadata.name} value={s.metadata.name} label={s.metadata.name} />
                  ))}
                </FormSelect>
              </FlexItem>
              <FlexItem grow={{ default: "grow" }}>
                {ports.length > 0 ? (
                  <FormSelect aria-label={t("resources.ingressForm.port", { n })} value={r.port} onChange={(_e, port) => set(i, { port })}>
                    {ports.map((p) => (
                      <FormSelectOption key={p} value={String(p)} label={String(p)} />
                    ))}
                  </FormSelect>
                ) : (
                  <TextInput aria-label={t("resources.ingressForm.port", { n })} value={r.port} onChange={(_e, port) => set(i, { port })} />
                )}
              </FlexItem>
              <FlexItem>
                <Button variant="plain" aria-label={t("resources.ingressForm.removeRule", { n })} onClick={() => onChange(rules.filter((_x, j) => j !== i))} icon={<MinusCircleIcon />} />
              </FlexItem>
            </Flex>
            <FieldCauses error={error} fields={[`spec.rules[${i}]`]} />
          </div>
        );
      })}
      <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => onChange([...rules, newRule()])}>
        {t("resources.ingressForm.addRule")}
      </Button>
    </div>
  );
}

export function IngressForm(props: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [className, setClassName] = useState("");
  const [rules, setRules] = useState<Rule[]>([newRule()]);
  const [tlsHosts, setTlsHosts] = useState("");
  const [tlsSecret, setTlsSecret] = useState("");
  return (
    <CreateDialog
      {...props}
      title={t("resources.ingressForm.title")}
      id="ing"
      plural="ingresses"
      canSubmit={rules.length > 0 && rules.every((r) => r.service && r.port.trim())}
      object={(name, namespace) => ingressObject(name, namespace, { className, rules, tlsHosts, tlsSecret })}
    >
      {({ namespace, error }) => (
        <>
          <Field label={t("resources.ingressForm.className")} id="ing-class" error={error} fields={["spec.ingressClassName"]}>
            <TextInput id="ing-class" value={className} onChange={(_e, v) => setClassName(v)} />
          </Field>
          <Field label={t("resources.ingressForm.rules")} id="ing-rules" error={error} fields={[]} isRequired>
            <RuleRows cluster={props.params.cluster!} namespace={namespace} rules={rules} onChange={setRules} error={error} />
          </Field>
          <Field label={t("resources.ingressForm.tlsHosts")} id="ing-tls-hosts" error={error} fields={["spec.tls"]}>
            <TextInput id="ing-tls-hosts" value={tlsHosts} onChange={(_e, v) => setTlsHosts(v)} placeholder={t("resources.ingressForm.tlsHostsHelp")} />
          </Field>
          <Field label={t("resources.ingressForm.tlsSecret")} id="ing-tls-secret" error={error} fields={[]}>
            <TlsSecretInput cluster={props.params.cluster!} namespace={namespace} value={tlsSecret} onChange={setTlsSecret} />
          </Field>
        </>
      )}
    </CreateDialog>
  );
}
