// Dialogs on a node: drain (options, then progress while pods leave, then the
// report of evicted, failed and skipped pods), labels and taints.
import {
  Alert,
  Button,
  Checkbox,
  Content,
  Flex,
  FlexItem,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  NumberInput,
  Progress,
  TextInput,
} from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { get, post, put } from "../api/client.ts";
import { paths } from "../api/paths.ts";
import type { DrainReport, NodeDetail, PodRef, Taint } from "../api/types.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { KeyValueEditor, toMap, toRows } from "../components/KeyValueEditor.tsx";

type Props = { cluster: string; node: string; onClose: () => void };

export function DrainDialog({ cluster, node, onClose }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [opts, setOpts] = useState({ deleteEmptyDirData: false, force: false, timeoutSeconds: 120 });
  const [state, setState] = useState<{ phase: "ask" | "running" | "done"; report?: DrainReport; error?: unknown }>({ phase: "ask" });
  // While the drain runs, the pods still on the node, from its detail.
  const pods = useQuery({
    queryKey: ["drain-progress", cluster, node],
    queryFn: ({ signal }) => get<NodeDetail>(paths.node(cluster, node), undefined, signal),
    enabled: state.phase === "running",
    refetchInterval: 2000,
  });
  const start = async () => {
    setState({ phase: "running" });
    try {
      const report = await post<DrainReport>(paths.nodeDrain(cluster, node), opts);
      setState({ phase: "done", report });
    } catch (error) {
      setState({ phase: "done", error });
    }
    void client.invalidateQueries();
  };
  const remaining = pods.data?.podList.filter((p) => p.phase !== "Succeeded" && p.phase !== "Failed").length;
  return (
    <Modal isOpen onClose={state.phase === "running" ? undefined : onClose} variant="medium" aria-labelledby="drain-title">
      <ModalHeader title={t("node.drainTitle", { name: node })} labelId="drain-title" />
      <ModalBody>
        {state.phase === "ask" && (
          <>
            <Content component="p">{t("node.drainExplain")}</Content>
            <Checkbox id="drain-emptydir" label={t("node.deleteEmptyDirData")} isChecked={opts.deleteEmptyDirData} onChange={(_e, v) => setOpts({ ...opts, deleteEmptyDirData: v })} />
            <Checkbox id="drain-force" label={t("node.force")} isChecked={opts.force} onChange={(_e, v) => setOpts({ ...opts, force: v })} />
            <FormGroup label={t("node.drainTimeout")} fieldId="drain-timeout" className="pf-v6-u-mt-md">
              <NumberInput
                id="drain-timeout"
                inputName="drain-timeout"
                inputAriaLabel={t("node.drainTimeout")}
                minusBtnAriaLabel={t("common.decrease")}
                plusBtnAriaLabel={t("common.increase")}
                value={opts.timeoutSeconds}
                min={1}
                max={3600}
                onMinus={() => setOpts({ ...opts, timeoutSeconds: Math.max(1, opts.timeoutSeconds - 30) })}
                onPlus={() => setOpts({ ...opts, timeoutSeconds: Math.min(3600, opts.timeoutSeconds + 30) })}
                onChange={(e) => setOpts({ ...opts, timeoutSeconds: Number((e.target as HTMLInputElement).value) || 1 })}
                unit="s"
              />
            </FormGroup>
          </>
        )}
        {state.phase === "running" && (
          <div data-testid="drain-progress">
            <Progress aria-label={t("node.draining")} title={t("node.draining")} value={undefined} measureLocation="none" />
            <Content component="p" className="pf-v6-u-mt-sm">
              {remaining === undefined ? t("node.drainStarting") : t("node.podsRemaining", { count: remaining })}
            </Content>
          </div>
        )}
        {state.phase === "done" && state.error !== undefined && <ErrorAlert error={state.error} />}
        {state.phase === "done" && state.report && <DrainReportView report={state.report} />}
      </ModalBody>
      <ModalFooter>
        {state.phase === "ask" && (
          <Button variant="danger" onClick={start}>
            {t("node.drain")}
          </Button>
        )}
        <Button variant={state.phase === "done" ? "primary" : "link"} onClick={onClose} isDisabled={state.phase === "running"}>
          {state.phase === "done" ? t("common.close") : t("common.cancel")}
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function DrainReportView({ report }: { report: DrainReport }) {
  const { t } = useTranslation();
  const rows: (PodRef & { result: string })[] = [
    ...report.evicted.map((p) => ({ ...p, result: "evicted" })),
    ...report.failed.map((p) => ({ ...p, result: "failed" })),
    ...report.skipped.map((p) => ({ ...p, result: "skipped" })),
  ];
  return (
    <div data-testid="drain-report">
      <Alert
        isInline
        variant={report.failed.length ? "warning" : "success"}
        title={t("node.drainSummary", { evicted: report.evicted.length, failed: report.failed.length, skipped: report.skipped.length })}
      />
      {rows.length > 0 && (
        <Table aria-label={t("node.drainReport")} variant="compact">
          <Thead>
            <Tr>
              <Th>{t("common.namespace")}</Th>
              <Th>{t("node.pod")}</Th>
              <Th>{t("node.result")}</Th>
              <Th>{t("node.reason")}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {rows.map((r) => (
              <Tr key={`${r.result}/${r.namespace}/${r.name}`}>
                <Td>{r.namespace}</Td>
                <Td>{r.name}</Td>
                <Td>{t(`node.result_${r.result}`)}</Td>
                <Td>{r.reason ?? ""}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </div>
  );
}

export function NodeLabelsDialog({ cluster, node, labels, onClose }: Props & { labels: Record<string, string> }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [rows, setRows] = useState(toRows(labels));
  return (
    <FormDialog
      title={t("node.editLabelsOf", { name: node })}
      submitLabel={t("common.save")}
      onClose={onClose}
      onSubmit={async () => {
        await put(paths.nodeLabels(cluster, node), { labels: toMap(rows) });
        await client.invalidateQueries();
      }}
    >
      <FormGroup label={t("common.labels")} fieldId="node-labels" role="group">
        <KeyValueEditor id="node-labels" rows={rows} onChange={setRows} />
      </FormGroup>
    </FormDialog>
  );
}

const EFFECTS: Taint["effect"][] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function NodeTaintsDialog({ cluster, node, taints, onClose }: Props & { taints: Taint[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [rows, setRows] = useState<Taint[]>(taints.map(({ key, value, effect }) => ({ key, value, effect })));
  const set = (i: number, p: Partial<Taint>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...p } : r)));
  return (
    <FormDialog
      title={t("node.editTaintsOf", { name: node })}
      submitLabel={t("common.save")}
      onClose={onClose}
      onSubmit={async () => {
        const taints = rows.filter((r) => r.key.trim()).map((r) => ({ key: r.key.trim(), value: r.value?.trim() || undefined, effect: r.effect }));
        await put(paths.nodeTaints(cluster, node), { taints });
        await client.invalidateQueries();
      }}
    >
      <FormGroup label={t("node.taints")} fieldId="node-taints" role="group">
        <div id="node-taints">
          {rows.map((r, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place while being edited
            <Flex key={i} className="pf-v6-u-mb-sm" flexWrap={{ default: "nowrap" }}>
              <FlexItem grow={{ default: "grow" }}>
                <TextInput aria-label={t("kv.key", { n: i + 1 })} value={r.key} onChange={(_e, key) => set(i, { key })} />
              </FlexItem>
              <FlexItem grow={{ default: "grow" }}>
                <TextInput aria-label={t("kv.value", { n: i + 1 })} value={r.value ?? ""} onChange={(_e, value) => set(i, { value })} />
              </FlexItem>
              <FlexItem>
                <FormSelect aria-label={t("node.effect", { n: i + 1 })} value={r.effect} onChange={(_e, v) => set(i, { effect: v as Taint["effect"] })}>
                  {EFFECTS.map((e) => (
                    <FormSelectOption key={e} value={e} label={e} />
                  ))}
                </FormSelect>
              </FlexItem>
              <FlexItem>
                <Button variant="plain" aria-label={t("kv.remove", { n: i + 1 })} onClick={() => setRows(rows.filter((_x, j) => j !== i))} icon={<MinusCircleIcon />} />
              </FlexItem>
            </Flex>
          ))}
          <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => setRows([...rows, { key: "", value: "", effect: "NoSchedule" }])}>
            {t("node.addTaint")}
          </Button>
        </div>
      </FormGroup>
    </FormDialog>
  );
}
