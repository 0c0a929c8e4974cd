// DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds,
// 1.32): a pod created or updated (not through a subresource) that does not
// tolerate node.kubernetes.io/not-ready:NoExecute, or unreachable:NoExecute,
// gets a toleration for it with tolerationSeconds 300 (kube-apiserver's
// --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds).
// A toleration counts when its key is that taint's or empty and its effect is
// NoExecute or empty, whatever its operator, value or tolerationSeconds.
import type { Attributes } from "../../registry/context.ts";

export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const DEFAULT_TOLERATION_SECONDS = 300;

type Toleration = { key?: unknown; effect?: unknown };

const tolerates = (t: Toleration, key: string) =>
  (t?.key === key || !t?.key) && (t?.effect === "NoExecute" || !t?.effect);

export function defaultTolerationSeconds(seconds = DEFAULT_TOLERATION_SECONDS) {
  return (a: Attributes): void => {
    if (a.op === "DELETE" || a.subresource || a.info.group !== "" || a.info.resource !== "pods") return;
    const spec = a.obj.spec;
    if (spec == null || typeof spec !== "object") return;
    const list: Toleration[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const add = [TAINT_NOT_READY, TAINT_UNREACHABLE].filter((key) => !list.some((t) => tolerates(t, key)));
    if (add.length === 0) return;
    spec.tolerations = [
      ...list,
      ...add.map((key) => ({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds })),
    ];
  };
}
