// Strategy changes (PrepareForCreate and the Job strategy's generateSelector,
// PrepareForUpdate, in pkg/registry/*), run after defaulting and before validation.
import { randomUUID } from "node:crypto";
import { usesGeneration } from "../registry/strategy.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { isObj } from "./fieldErrors.ts";
import { parseQuantity } from "./quantity.ts";

type Obj = Record<string, any>;

/**
 * Strategy changes on create. Call after applyDefaults and after the server
 * has set metadata.uid (a Job's generated selector uses it; one is made if
 * missing). Never throws.
 */
export function prepareForCreate(info: ResourceInfo, obj: KObject): void {
  if (!isObj(obj) || info.crd) return;
  const key = `${info.group}/${info.kind}`;
  if (!isObj(obj.metadata)) obj.metadata = {};
  // Kinds with generation are also the ones whose strategy resets status on create.
  if (usesGeneration(info)) {
    obj.metadata.generation = 1;
    if (key !== "apiextensions.k8s.io/CustomResourceDefinition") obj.status = {};
  }
  if (key === "batch/Job") prepareJob(obj);
  else if (key === "/Pod") preparePod(obj);
  else if (key === "/Namespace") prepareNamespace(obj);
}

/**
 * Job strategy generateSelector (1.32): unless spec.manualSelector is true,
 * the template gets controller-uid and job-name labels (legacy and
 * batch.kubernetes.io/ forms) and the selector matches the uid label. Reading
 * from storage re-runs defaulting, which copies template labels onto an
 * unlabelled Job: done here so the stored object looks the same.
 */
function prepareJob(job: Obj): void {
  const spec = job.spec;
  if (!isObj(spec) || spec.manualSelector === true) return;
  if (typeof job.metadata.uid !== "string" || !job.metadata.uid) job.metadata.uid = randomUUID();
  const uid = job.metadata.uid;
  const name = typeof job.metadata.name === "string" ? job.metadata.name : "";
  if (!isObj(spec.template)) spec.template = {};
  if (!isObj(spec.template.metadata)) spec.template.metadata = {};
  const tm = spec.template.metadata;
  if (!isObj(tm.labels)) tm.labels = {};
  tm.labels["batch.kubernetes.io/controller-uid"] = uid;
  tm.labels["controller-uid"] = uid;
  // job-name labels are skipped when the name is not a valid label value (> 63 chars).
  if (name.length <= 63) {
    tm.labels["batch.kubernetes.io/job-name"] = name;
    tm.labels["job-name"] = name;
  }
  if (spec.selector == null) spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  const l = job.metadata.labels;
  if (!isObj(l) || Object.keys(l).length === 0) job.metadata.labels = { ...tm.labels };
}

function preparePod(pod: Obj): void {
  pod.status = { phase: "Pending", qosClass: podQOS(pod.spec) };
}

/** qos.GetPodQOS over cpu and memory of containers and init containers. */
export function podQOS(spec: unknown): string {
  const containers = isObj(spec) ? [spec.containers, spec.initContainers].filter(Array.isArray).flat() : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const r = isObj(c) && isObj(c.resources) ? c.resources : {};
    const req = isObj(r.requests) ? r.requests : {};
    const lim = isObj(r.limits) ? r.limits : {};
    for (const res of ["cpu", "memory"]) {
      if (req[res] !== undefined || lim[res] !== undefined) any = true;
      const l = parseQuantity(lim[res]);
      const q = req[res] === undefined ? l : parseQuantity(req[res]);
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** Namespace strategy: the "kubernetes" finalizer is required on create; phase Active. */
function prepareNamespace(ns: Obj): void {
  if (!isObj(ns.spec)) ns.spec = {};
  const f = Array.isArray(ns.spec.finalizers) ? ns.spec.finalizers : [];
  if (!f.includes("kubernetes")) f.push("kubernetes");
  ns.spec.finalizers = f;
  ns.status = { phase: "Active" };
}

/**
 * Strategy changes on update (PrepareForUpdate) that keep fields a plain
 * update may not touch: a Namespace's spec.finalizers change only through
 * its finalize subresource.
 */
export function prepareForUpdate(info: ResourceInfo, obj: KObject, old: KObject): void {
  if (!isObj(obj) || !isObj(old) || info.crd) return;
  if (info.group === "" && info.kind === "Namespace") {
    const finalizers = isObj(old.spec) ? old.spec.finalizers : undefined;
    if (!isObj(obj.spec)) obj.spec = {};
    if (finalizers === undefined) delete obj.spec.finalizers;
    else obj.spec.finalizers = structuredClone(finalizers);
  }
}
