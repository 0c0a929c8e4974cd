// How a Deployment or StatefulSet scales: its replicas by hand; the
// HorizontalPodAutoscaler that targets it (autoscaling/v2: CPU and memory
// utilization between a minimum and a maximum); and scheduled scaling, a
// CronHorizontalPodAutoscaler whose jobs set a size at cron times (with an
// HPA present they move its minReplicas instead). Forms are offered where
// GET /me allows workloads.edit.
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FormGroup,
  TextInput,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../api/ApiError.ts";
import { appPaths, type KObject, type WorkloadKind } from "../api/apps.ts";
import { del, get, post, put } from "../api/client.ts";
import { useCan } from "../api/me.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { FormDialog } from "../components/FormDialog.tsx";
import { dateTime } from "../lib/format.ts";
import type { WorkloadRef } from "./RevisionsTab.tsx";
import { ScaleDialog } from "./WorkloadActions.tsx";

const targets = (o: KObject, wk: WorkloadKind, name: string) =>
  o.spec?.scaleTargetRef?.kind === wk.kind && o.spec?.scaleTargetRef?.name === name;

function term(label: string, value: ReactNode, testid?: string) {
  return (
    <DescriptionListGroup key={label}>
      <DescriptionListTerm>{label}</DescriptionListTerm>
      <DescriptionListDescription data-testid={testid}>{value ?? "–"}</DescriptionListDescription>
    </DescriptionListGroup>
  );
}

/** A resource's target utilization in an HPA's metrics (v2 and v2beta2 have the same shape). */
function utilization(hpa: KObject, resource: string): number | undefined {
  return (hpa.spec?.metrics ?? []).find((m: any) => m.type === "Resource" && m.resource?.name === resource)
    ?.resource?.target?.averageUtilization;
}

export function ScalingTab({ w, wk, o }: { w: WorkloadRef; wk: WorkloadKind; o: KObject }) {
  const { t } = useTranslation();
  const can = useCan();
  const edit = can("workloads.edit", w);
  const [dialog, setDialog] = useState<"scale" | "hpa" | "cron">();
  const client = useQueryClient();
  const hpas = useQuery<{ items: KObject[] }, ApiError>({
    queryKey: ["list", appPaths.list(w.cluster, "horizontalpodautoscalers", w.namespace), "scaling"],
    queryFn: ({ signal }) =>
      get(appPaths.list(w.cluster, "horizontalpodautoscalers", w.namespace), { pageSize: 500 }, signal),
    refetchInterval: 5_000,
  });
  const crons = useQuery<{ items: KObject[] }, ApiError>({
    queryKey: ["cronhpas", w.cluster, w.namespace],
    queryFn: ({ signal }) =>
      get(
        `/clusters/${encodeURIComponent(w.cluster)}/namespaces/${encodeURIComponent(w.namespace)}/cronhorizontalpodautoscalers`,
        { pageSize: 500 },
        signal,
      ),
    refetchInterval: 5_000,
  });
  const hpa = hpas.data?.items.find((h) => targets(h, wk, w.name));
  const cron = crons.data?.items.find((c) => targets(c, wk, w.name));
  const ns = `/clusters/${encodeURIComponent(w.cluster)}/namespaces/${encodeURIComponent(w.namespace)}`;
  const remove = async (path: string) => {
    await del(path);
    await client.invalidateQueries();
  };
  const close = () => {
    setDialog(undefined);
    void client.invalidateQueries();
  };
  return (
    <Flex direction={{ default: "column" }} gap={{ default: "gapMd" }}>
      <Card isCompact>
        <CardTitle component="h2">{t("apps.manualScaling")}</CardTitle>
        <CardBody>
          <DescriptionList isHorizontal isCompact>
            {term(t("apps.desiredReplicas"), o.spec?.replicas ?? 1, "desired-replicas")}
            {term(t("apps.readyReplicas"), o.status?.readyReplicas ?? 0)}
          </DescriptionList>
          {edit && (
            <Button className="pf-v6-u-mt-md" variant="secondary" onClick={() => setDialog("scale")}>
              {t("apps.scale")}
            </Button>
          )}
        </CardBody>
      </Card>
      <Card isCompact data-testid="hpa">
        <CardTitle component="h2">{t("apps.hpa")}</CardTitle>
        <CardBody>
          {hpas.error && <ErrorAlert error={hpas.error} />}
          {hpa ? (
            <DescriptionList isHorizontal isCompact>
              {term(
                t("apps.hpaRange"),
                `${hpa.spec?.minReplicas ?? 1} – ${hpa.spec?.maxReplicas}`,
                "hpa-range",
              )}
              {term(
                t("apps.cpuTarget"),
                utilization(hpa, "cpu") === undefined ? "–" : `${utilization(hpa, "cpu")}%`,
              )}
              {term(
                t("apps.memoryTarget"),
                utilization(hpa, "memory") === undefined ? "–" : `${utilization(hpa, "memory")}%`,
              )}
              {term(
                t("apps.hpaCurrent"),
                `${hpa.status?.currentReplicas ?? 0} → ${hpa.status?.desiredReplicas ?? 0}`,
              )}
            </DescriptionList>
          ) : (
            <p>{t("apps.noHpa")}</p>
          )}
          {edit && (
            <Flex className="pf-v6-u-mt-md" gap={{ default: "gapSm" }}>
              <Button variant="secondary" onClick={() => setDialog("hpa")}>
                {hpa ? t("apps.editHpa") : t("apps.createHpa")}
              </Button>
              {hpa && (
                <Button
                  variant="link"
                  isDanger
                  onClick={() =>
                    remove(`${ns}/horizontalpodautoscalers/${encodeURIComponent(hpa.metadata.name)}`)
                  }
                >
                  {t("apps.deleteHpa")}
                </Button>
              )}
            </Flex>
          )}
        </CardBody>
      </Card>
      <Card isCompact data-testid="cronhpa">
        <CardTitle component="h2">{t("apps.scheduled")}</CardTitle>
        <CardBody>
          {crons.error && <ErrorAlert error={crons.error} />}
          {cron ? <CronJobs cron={cron} /> : <p>{t("apps.noScheduled")}</p>}
          {edit && (
            <Flex className="pf-v6-u-mt-md" gap={{ default: "gapSm" }}>
              <Button variant="secondary" onClick={() => setDialog("cron")}>
                {cron ? t("apps.editScheduled") : t("apps.createScheduled")}
              </Button>
              {cron && (
                <Button
                  variant="link"
                  isDanger
                  onClick={() =>
                    remove(`${ns}/cronhorizontalpodautoscalers/${encodeURIComponent(cron.metadata.name)}`)
                  }
                >
                  {t("apps.deleteScheduled")}
                </Button>
              )}
            </Flex>
          )}
        </CardBody>
      </Card>
      {dialog === "scale" && <ScaleDialog w={w} replicas={o.spec?.replicas ?? 1} onClose={close} />}
      {dialog === "hpa" && (
        <HpaDialog w={w} wk={wk} hpa={hpa} base={`${ns}/horizontalpodautoscalers`} onClose={close} />
      )}
      {dialog === "cron" && (
        <CronDialog w={w} wk={wk} cron={cron} base={`${ns}/cronhorizontalpodautoscalers`} onClose={close} />
      )}
    </Flex>
  );
}

function CronJobs({ cron }: { cron: KObject }) {
  const { t } = useTranslation();
  const status = (name: string) => (cron.status?.conditions ?? []).find((c: any) => c.name === name) ?? {};
  return (
    <Table aria-label={t("apps.scheduled")} variant="compact">
      <Thead>
        <Tr>
          <Th>{t("common.name")}</Th>
          <Th>{t("apps.schedule")}</Th>
          <Th>{t("apps.targetSize")}</Th>
          <Th>{t("common.status")}</Th>
          <Th>{t("apps.lastRun")}</Th>
          <Th>{t("apps.nextRun")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {(cron.spec?.jobs ?? []).map((j: any) => (
          <Tr key={j.name} data-row={j.name}>
            <Td dataLabel={t("common.name")}>{j.name}</Td>
            <Td dataLabel={t("apps.schedule")}>
              <code>{j.schedule}</code> {j.timeZone ?? "UTC"}
            </Td>
            <Td dataLabel={t("apps.targetSize")}>{j.targetSize}</Td>
            <Td dataLabel={t("common.status")}>{status(j.name).state ?? "–"}</Td>
            <Td dataLabel={t("apps.lastRun")}>{dateTime(status(j.name).lastRunTime)}</Td>
            <Td dataLabel={t("apps.nextRun")}>{dateTime(status(j.name).nextRunTime)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

type DialogProps = { w: WorkloadRef; wk: WorkloadKind; base: string; onClose: () => void };

const numberField = (
  id: string,
  label: string,
  value: string,
  set: (v: string) => void,
  required = false,
) => (
  <FormGroup label={label} fieldId={id} isRequired={required}>
    <TextInput
      id={id}
      type="number"
      min={0}
      value={value}
      isRequired={required}
      onChange={(_e, v) => set(v)}
    />
  </FormGroup>
);

function HpaDialog({ w, wk, hpa, base, onClose }: DialogProps & { hpa?: KObject }) {
  const { t } = useTranslation();
  const [min, setMin] = useState(String(hpa?.spec?.minReplicas ?? 1));
  const [max, setMax] = useState(String(hpa?.spec?.maxReplicas ?? 5));
  const [cpu, setCpu] = useState(String(hpa ? (utilization(hpa, "cpu") ?? "") : 80));
  const [memory, setMemory] = useState(String(hpa ? (utilization(hpa, "memory") ?? "") : ""));
  const metric = (name: string, v: string) =>
    v
      ? [
          {
            type: "Resource",
            resource: { name, target: { type: "Utilization", averageUtilization: Number(v) } },
          },
        ]
      : [];
  const name = hpa?.metadata.name ?? w.name;
  const body = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: w.namespace },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: wk.kind, name: w.name },
      minReplicas: Number(min),
      maxReplicas: Number(max),
      metrics: [...metric("cpu", cpu), ...metric("memory", memory)],
    },
  };
  return (
    <FormDialog
      title={hpa ? t("apps.editHpa") : t("apps.createHpa")}
      submitLabel={t("common.save")}
      canSubmit={Number(max) >= Number(min) && Number(min) >= 1 && !!(cpu || memory)}
      onClose={onClose}
      onSubmit={() => (hpa ? put(`${base}/${encodeURIComponent(name)}`, body) : post(base, body))}
    >
      {numberField("hpa-min", t("apps.minReplicas"), min, setMin, true)}
      {numberField("hpa-max", t("apps.maxReplicas"), max, setMax, true)}
      {numberField("hpa-cpu", t("apps.cpuTargetPercent"), cpu, setCpu)}
      {numberField("hpa-memory", t("apps.memoryTargetPercent"), memory, setMemory)}
    </FormDialog>
  );
}

type JobRow = { name: string; schedule: string; timeZone: string; targetSize: string };

function CronDialog({ w, wk, cron, base, onClose }: DialogProps & { cron?: KObject }) {
  const { t } = useTranslation();
  const [jobs, setJobs] = useState<JobRow[]>(
    cron?.spec?.jobs?.map((j: any) => ({
      name: j.name,
      schedule: j.schedule,
      timeZone: j.timeZone ?? "",
      targetSize: String(j.targetSize),
    })) ?? [
      { name: "scale-up", schedule: "0 8 * * 1-5", timeZone: "", targetSize: "3" },
      { name: "scale-down", schedule: "0 20 * * 1-5", timeZone: "", targetSize: "1" },
    ],
  );
  const set = (i: number, k: keyof JobRow, v: string) =>
    setJobs(jobs.map((j, n) => (n === i ? { ...j, [k]: v } : j)));
  const name = cron?.metadata.name ?? w.name;
  const body = {
    apiVersion: "autoscaling.kpanda.io/v1alpha1",
    kind: "CronHorizontalPodAutoscaler",
    metadata: { name, namespace: w.namespace },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: wk.kind, name: w.name },
      jobs: jobs.map((j) => ({
        name: j.name,
        schedule: j.schedule,
        ...(j.timeZone ? { timeZone: j.timeZone } : {}),
        targetSize: Number(j.targetSize),
      })),
    },
  };
  return (
    <FormDialog
      title={cron ? t("apps.editScheduled") : t("apps.createScheduled")}
      submitLabel={t("common.save")}
      variant="large"
      canSubmit={jobs.length > 0 && jobs.every((j) => j.name && j.schedule && j.targetSize !== "")}
      onClose={onClose}
      onSubmit={() => (cron ? put(`${base}/${encodeURIComponent(name)}`, body) : post(base, body))}
    >
      {jobs.map((j, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows edited in place
        <Flex key={i} gap={{ default: "gapSm" }} alignItems={{ default: "alignItemsFlexEnd" }}>
          <FormGroup label={t("apps.jobName", { n: i + 1 })} fieldId={`cron-name-${i}`}>
            <TextInput id={`cron-name-${i}`} value={j.name} onChange={(_e, v) => set(i, "name", v)} />
          </FormGroup>
          <FormGroup label={t("apps.jobSchedule", { n: i + 1 })} fieldId={`cron-schedule-${i}`}>
            <TextInput
              id={`cron-schedule-${i}`}
              value={j.schedule}
              onChange={(_e, v) => set(i, "schedule", v)}
            />
          </FormGroup>
          <FormGroup label={t("apps.jobTimeZone", { n: i + 1 })} fieldId={`cron-tz-${i}`}>
            <TextInput
              id={`cron-tz-${i}`}
              value={j.timeZone}
              placeholder="UTC"
              onChange={(_e, v) => set(i, "timeZone", v)}
            />
          </FormGroup>
          <FormGroup label={t("apps.jobTargetSize", { n: i + 1 })} fieldId={`cron-size-${i}`}>
            <TextInput
              id={`cron-size-${i}`}
              type="number"
              min={0}
              value={j.targetSize}
              onChange={(_e, v) => set(i, "targetSize", v)}
            />
          </FormGroup>
          <Button variant="link" isDanger onClick={() => setJobs(jobs.filter((_x, n) => n !== i))}>
            {t("apps.removeJob", { n: i + 1 })}
          </Button>
        </Flex>
      ))}
      <Button
        variant="link"
        onClick={() => setJobs([...jobs, { name: "", schedule: "", timeZone: "", targetSize: "" }])}
      >
        {t("apps.addJob")}
      </Button>
    </FormDialog>
  );
}
