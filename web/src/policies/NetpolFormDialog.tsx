// A NetworkPolicy built through a form: the pods it selects, and for
// ingress and egress the rules (peers and ports), with the policy in words
// and as a small graph as it is built. Sent to the member first with
// dryRun=All, then for real.
import {
  Alert,
  Button,
  Checkbox,
  Flex,
  FlexItem,
  FormGroup,
  FormSelect,
  FormSelectOption,
  List,
  ListItem,
  TextInput,
  Title,
} from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client.ts";
import { policyPaths } from "../api/policies.ts";
import { FormDialog } from "../components/FormDialog.tsx";
import type { ToolbarDialogProps } from "../kinds/types.ts";
import {
  type Direction,
  FormProblem,
  newForm,
  newPeer,
  newPort,
  newRule,
  type NetpolForm,
  objectOf,
  PEER_TYPES,
  type PeerRow,
  PROTOCOLS,
  type PortRow,
  type RuleRow,
} from "./netpolForm.ts";
import { NetpolGraph } from "./NetpolGraph.tsx";
import { describeNetworkPolicy, type NetpolSpec } from "./netpolWords.ts";

type RuleProps = { dir: Direction; index: number; rule: RuleRow; onChange: (r: RuleRow) => void; onRemove: () => void };

function PeerFields({ p, set }: { p: PeerRow; set: (p: PeerRow) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <FlexItem>
        <FormSelect aria-label={t("policies.np.peerType")} value={p.type} onChange={(_e, v) => set({ ...p, type: v as PeerRow["type"] })}>
          {PEER_TYPES.map((x) => (
            <FormSelectOption key={x} value={x} label={t(`policies.np.peer.${x}`)} />
          ))}
        </FormSelect>
      </FlexItem>
      {p.type === "ipBlock" ? (
        <>
          <FlexItem>
            <TextInput aria-label={t("policies.np.cidr")} placeholder="10.0.0.0/16" value={p.cidr} onChange={(_e, v) => set({ ...p, cidr: v })} />
          </FlexItem>
          <FlexItem>
            <TextInput aria-label={t("policies.np.except")} placeholder={t("policies.np.except")} value={p.except} onChange={(_e, v) => set({ ...p, except: v })} />
          </FlexItem>
        </>
      ) : (
        <>
          {p.type === "namespaces" && (
            <FlexItem>
              <TextInput aria-label={t("policies.np.namespaceSelector")} placeholder={t("policies.np.namespaceSelector")} value={p.namespaces} onChange={(_e, v) => set({ ...p, namespaces: v })} />
            </FlexItem>
          )}
          <FlexItem>
            <TextInput aria-label={t("policies.np.peerPods")} placeholder={t("policies.np.peerPods")} value={p.pods} onChange={(_e, v) => set({ ...p, pods: v })} />
          </FlexItem>
        </>
      )}
    </>
  );
}

function PortFields({ p, set }: { p: PortRow; set: (p: PortRow) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <FlexItem>
        <FormSelect aria-label={t("policies.np.protocol")} value={p.protocol} onChange={(_e, v) => set({ ...p, protocol: v as PortRow["protocol"] })}>
          {PROTOCOLS.map((x) => (
            <FormSelectOption key={x} value={x} label={x} />
          ))}
        </FormSelect>
      </FlexItem>
      <FlexItem>
        <TextInput aria-label={t("policies.np.port")} placeholder={t("policies.np.port")} value={p.port} onChange={(_e, v) => set({ ...p, port: v })} />
      </FlexItem>
      <FlexItem>
        <TextInput aria-label={t("policies.np.endPort")} placeholder={t("policies.np.endPort")} value={p.endPort} onChange={(_e, v) => set({ ...p, endPort: v })} />
      </FlexItem>
    </>
  );
}

/** Rows with a remove button each, and an add button below. */
function Rows<T>({ id, items, label, what, add, onChange, render }: { id: string; items: T[]; label: string; what: "Peer" | "Port"; add: () => T; onChange: (x: T[]) => void; render: (x: T, set: (x: T) => void) => React.ReactNode }) {
  const { t } = useTranslation();
  return (
    <FormGroup label={label} role="group" fieldId={id}>
      {items.map((x, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no identity of their own
        <Flex key={i} spaceItems={{ default: "spaceItemsSm" }} className="pf-v6-u-mb-sm">
          {render(x, (n) => onChange(items.map((y, j) => (j === i ? n : y))))}
          <FlexItem>
            <Button variant="plain" aria-label={t(`policies.np.remove${what}`)} icon={<MinusCircleIcon />} onClick={() => onChange(items.filter((_y, j) => j !== i))} />
          </FlexItem>
        </Flex>
      ))}
      <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => onChange([...items, add()])}>
        {t(`policies.np.add${what}`)}
      </Button>
    </FormGroup>
  );
}

function RuleFields({ dir, index, rule, onChange, onRemove }: RuleProps) {
  const { t } = useTranslation();
  return (
    <section className="pf-v6-u-p-md pf-v6-u-mb-sm" style={{ border: "1px solid var(--pf-t--global--border--color--default)", borderRadius: "8px" }} aria-label={t(`policies.np.rule.${dir}`, { n: index + 1 })}>
      <Flex justifyContent={{ default: "justifyContentSpaceBetween" }}>
        <Title headingLevel="h4" size="md">
          {t(`policies.np.rule.${dir}`, { n: index + 1 })}
        </Title>
        <Button variant="link" isInline isDanger onClick={onRemove}>
          {t("policies.np.removeRule")}
        </Button>
      </Flex>
      <Rows id={`np-${dir}-${index}-peers`} items={rule.peers} label={t(`policies.np.peers.${dir}`)} what="Peer" add={newPeer} onChange={(peers) => onChange({ ...rule, peers })} render={(p, set) => <PeerFields p={p} set={set} />} />
      <Rows id={`np-${dir}-${index}-ports`} items={rule.ports} label={t("policies.np.ports")} what="Port" add={newPort} onChange={(ports) => onChange({ ...rule, ports })} render={(p, set) => <PortFields p={p} set={set} />} />
    </section>
  );
}

export function NetpolFormDialog({ params, onClose }: ToolbarDialogProps) {
  const { t } = useTranslation();
  const [f, setF] = useState<NetpolForm>(newForm);
  let words: string[] = [];
  let spec: NetpolSpec | undefined;
  let problem: string | undefined;
  try {
    spec = objectOf({ ...f, name: f.name || "x" }).spec;
    words = describeNetworkPolicy(t, params.namespace!, spec);
  } catch (e) {
    if (!(e instanceof FormProblem)) throw e;
    problem = e.message;
  }
  const setRules = (d: Direction, rules: RuleRow[]) => setF({ ...f, rules: { ...f.rules, [d]: rules } });
  const submit = async () => {
    let body: unknown;
    try {
      body = objectOf(f);
    } catch (e) {
      throw e instanceof FormProblem ? new Error(t(e.message)) : e;
    }
    const path = policyPaths.nsList(params.cluster!, params.namespace!, "networkpolicies");
    await api("POST", path, { body, query: { dryRun: "All" } });
    await api("POST", path, { body });
  };
  return (
    <FormDialog title={t("policies.np.title", { namespace: params.namespace })} submitLabel={t("common.create")} onClose={onClose} onSubmit={submit} variant="large">
      <FormGroup label={t("common.name")} fieldId="np-name" isRequired>
        <TextInput id="np-name" isRequired value={f.name} onChange={(_e, v) => setF({ ...f, name: v })} />
      </FormGroup>
      <FormGroup label={t("policies.np.podSelector")} fieldId="np-pods">
        <TextInput id="np-pods" placeholder="app=web" value={f.podSelector} onChange={(_e, v) => setF({ ...f, podSelector: v })} />
      </FormGroup>
      {(["ingress", "egress"] as const).map((d) => (
        <div key={d}>
          <Checkbox id={`np-${d}`} label={t(`policies.np.direction.${d}`)} description={t(`policies.np.directionHelp.${d}`)} isChecked={f.on[d]} onChange={(_e, on) => setF({ ...f, on: { ...f.on, [d]: on } })} />
          {f.on[d] && (
            <div className="pf-v6-u-ml-lg pf-v6-u-mt-sm">
              {f.rules[d].map((r, i) => (
                <RuleFields
                  // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place and have no identity of their own
                  key={i}
                  dir={d}
                  index={i}
                  rule={r}
                  onChange={(n) => setRules(d, f.rules[d].map((x, j) => (j === i ? n : x)))}
                  onRemove={() => setRules(d, f.rules[d].filter((_x, j) => j !== i))}
                />
              ))}
              <Button variant="secondary" onClick={() => setRules(d, [...f.rules[d], newRule()])}>
                {t("policies.np.addRule")}
              </Button>
            </div>
          )}
        </div>
      ))}
      <Alert isInline variant={problem ? "warning" : "info"} title={t("policies.np.inWords")} data-testid="netpol-words">
        {problem ? (
          t(problem)
        ) : (
          <List>
            {words.map((w) => (
              <ListItem key={w}>{w}</ListItem>
            ))}
          </List>
        )}
      </Alert>
      {spec && <NetpolGraph namespace={params.namespace!} spec={spec} />}
    </FormDialog>
  );
}
