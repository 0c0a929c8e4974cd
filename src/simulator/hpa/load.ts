// The load model behind the simulated metrics API: how busy each pod is, as
// a fraction of its requests. The most specific setting wins:
//   1. the pod's annotations,
//   2. its workload's annotations (Deployment, StatefulSet, DaemonSet,
//      ReplicaSet, Job; a ReplicaSet's Deployment counts as its workload),
//   3. the newest setLoad() rule whose namespace and labels match the pod,
//   4. the defaults: 10% of requested cpu, 30% of requested memory.
import type { KObject } from "../../apiserver/client.ts";

/** Annotation: the pods' cpu use as a fraction of their cpu requests ("0.8" = 80%). */
export const CPU_LOAD_ANNOTATION = "sim.kpanda.io/cpu-utilization";
/** Annotation: the pods' memory use as a fraction of their memory requests. */
export const MEMORY_LOAD_ANNOTATION = "sim.kpanda.io/memory-utilization";

export type Load = { cpu: number; memory: number };

export const DEFAULT_LOAD: Load = { cpu: 0.1, memory: 0.3 };

type Rule = { namespace?: string; labels: Record<string, string>; load: Partial<Load> };

function fromAnnotations(o: KObject | undefined): Partial<Load> {
  const a = o?.metadata?.annotations;
  if (!a) return {};
  const out: Partial<Load> = {};
  const cpu = Number.parseFloat(a[CPU_LOAD_ANNOTATION] ?? "");
  const mem = Number.parseFloat(a[MEMORY_LOAD_ANNOTATION] ?? "");
  if (Number.isFinite(cpu) && cpu >= 0) out.cpu = cpu;
  if (Number.isFinite(mem) && mem >= 0) out.memory = mem;
  return out;
}

export class LoadModel {
  private rules: Rule[] = [];

  /**
   * Sets the load of the pods whose labels include `labels` (in `namespace`,
   * or any): a number is the cpu fraction; an object sets cpu and/or memory.
   * Returns a function that removes the rule.
   */
  setLoad(labels: Record<string, string>, load: number | Partial<Load>, namespace?: string): () => void {
    const rule: Rule = { namespace, labels: { ...labels }, load: typeof load === "number" ? { cpu: load } : { ...load } };
    this.rules.push(rule);
    return () => {
      this.rules = this.rules.filter((r) => r !== rule);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The load of a pod, given its workload (if any). */
  loadOf(pod: KObject, workload: KObject | undefined): Load {
    const podA = fromAnnotations(pod);
    const wlA = fromAnnotations(workload);
    const rule = this.ruleFor(pod);
    return {
      cpu: podA.cpu ?? wlA.cpu ?? rule.cpu ?? DEFAULT_LOAD.cpu,
      memory: podA.memory ?? wlA.memory ?? rule.memory ?? DEFAULT_LOAD.memory,
    };
  }

  private ruleFor(pod: KObject): Partial<Load> {
    const labels = pod.metadata?.labels ?? {};
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const r = this.rules[i];
      if (r.namespace !== undefined && r.namespace !== pod.metadata?.namespace) continue;
      if (Object.entries(r.labels).every(([k, v]) => labels[k] === v)) return r.load;
    }
    return {};
  }
}
