// The CronHorizontalPodAutoscaler custom resource that kpanda installs in a
// member the first time someone creates one there (no agent: kpanda's
// leader runs its controller, CronHpaController.ts). Its shape follows
// AliyunContainerService/kubernetes-cronhpa-controller: spec.scaleTargetRef
// and spec.jobs[] {name, schedule, targetSize, runOnce}, with a timeZone per
// job and a startingDeadlineSeconds of ours; status.conditions has one entry
// per job (its last and next run, state and message). Schedules are standard
// five-field cron as Kubernetes CronJobs take them (src/cron/cron.ts), not
// the six-field form (with seconds) of the Aliyun controller.
// Only what Kubernetes 1.20 serves: apiextensions.k8s.io/v1, a structural
// schema, no CEL.
import { ApiextensionsV1Api } from "@kubernetes/client-node";
import { memberGet, MemberHttpError } from "../clusters/memberHttp.ts";
import type { Member } from "../clusters/members.ts";

export const CRONHPA_GROUP = "autoscaling.kpanda.io";
export const CRONHPA_VERSION = "v1alpha1";
export const CRONHPA_PLURAL = "cronhorizontalpodautoscalers";
export const CRONHPA_KIND = "CronHorizontalPodAutoscaler";
export const CRONHPA_CRD = `${CRONHPA_PLURAL}.${CRONHPA_GROUP}`;
/** How late a missed run may still be made up when nothing else is set (spec.startingDeadlineSeconds). */
export const DEFAULT_STARTING_DEADLINE_SECONDS = 600;

const str = { type: "string" };
const int = { type: "integer", format: "int32" };

const jobSchema = {
  type: "object",
  required: ["name", "schedule", "targetSize"],
  properties: {
    name: str,
    schedule: { type: "string", description: "five-field cron, as a CronJob's schedule" },
    timeZone: { type: "string", description: "an IANA time zone; UTC when unset" },
    targetSize: { ...int, minimum: 0 },
    runOnce: { type: "boolean", description: "run once, at the next time the schedule comes, then never again" },
  },
};

const conditionSchema = {
  type: "object",
  properties: {
    name: str,
    schedule: str,
    timeZone: str,
    targetSize: int,
    runOnce: { type: "boolean" },
    state: { type: "string", description: "Submitted (waiting for its time), Succeed, Failed or Missed" },
    message: str,
    lastScheduleTime: { type: "string", format: "date-time", description: "the scheduled time of the last run made (or missed)" },
    lastRunTime: { type: "string", format: "date-time", description: "when the last run was made" },
    nextRunTime: { type: "string", format: "date-time" },
  },
};

export const CRONHPA_CRD_OBJECT = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: CRONHPA_CRD, labels: { "app.kubernetes.io/managed-by": "kpanda" } },
  spec: {
    group: CRONHPA_GROUP,
    scope: "Namespaced",
    names: { plural: CRONHPA_PLURAL, singular: "cronhorizontalpodautoscaler", kind: CRONHPA_KIND, listKind: `${CRONHPA_KIND}List`, shortNames: ["cronhpa"] },
    versions: [
      {
        name: CRONHPA_VERSION,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: "Target", type: "string", jsonPath: ".spec.scaleTargetRef.name" },
          { name: "Jobs", type: "string", jsonPath: ".spec.jobs[*].name" },
          { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
        ],
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["scaleTargetRef", "jobs"],
                properties: {
                  scaleTargetRef: { type: "object", required: ["kind", "name"], properties: { apiVersion: str, kind: str, name: str } },
                  startingDeadlineSeconds: { type: "integer", format: "int64", minimum: 0 },
                  jobs: { type: "array", items: jobSchema },
                },
              },
              status: { type: "object", properties: { conditions: { type: "array", items: conditionSchema } } },
            },
          },
        },
      },
    ],
  },
};

/** The member-side path of CronHPAs in a namespace (or of one). */
export const cronHpaPath = (namespace: string, name?: string) =>
  `/apis/${CRONHPA_GROUP}/${CRONHPA_VERSION}/namespaces/${encodeURIComponent(namespace)}/${CRONHPA_PLURAL}${name ? `/${encodeURIComponent(name)}` : ""}`;

/** Whether the member serves the CronHPA resource (its CRD installed and Established). */
export async function cronHpaServed(m: Member, signal?: AbortSignal): Promise<boolean> {
  try {
    const list = await memberGet(m, `/apis/${CRONHPA_GROUP}/${CRONHPA_VERSION}`, signal);
    return (list?.resources ?? []).some((r: any) => r.name === CRONHPA_PLURAL);
  } catch (e) {
    if (e instanceof MemberHttpError && e.code === 404) return false;
    throw e;
  }
}

/**
 * Installs the CRD with kpanda's own credential (a user creating a CronHPA
 * may not create CRDs) unless the member serves it already, then waits until
 * the member serves the resource.
 */
export async function ensureCronHpaCrd(m: Member, timeoutMs = 15_000): Promise<void> {
  if (await cronHpaServed(m)) return;
  const api = m.kc.makeApiClient(ApiextensionsV1Api);
  try {
    await m.run(() => api.createCustomResourceDefinition({ body: CRONHPA_CRD_OBJECT as never }));
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await cronHpaServed(m))) {
    if (Date.now() > deadline) throw new Error(`the member did not serve ${CRONHPA_CRD} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
