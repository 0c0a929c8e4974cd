// Small cell formatters shared by the printers: label maps and selectors, the
// container/image columns, access modes, and pointers-to-bool.
import { selectorString } from "../registry/selectors.ts";

export { selectorString };

/** labels.FormatLabels: sorted "k=v" pairs joined by ",", or "<none>". */
export function formatLabels(map: unknown): string {
  if (!map || typeof map !== "object") return "<none>";
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${(map as Record<string, unknown>)[k]}`).join(",");
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(sel: any): string {
  const s = selectorString(sel);
  if (s === undefined) return "<error>";
  return s === "" ? "<none>" : s;
}

/** Container names and images, each joined by ",". */
export function containerCells(containers: unknown): [string, string] {
  if (!Array.isArray(containers)) return ["", ""];
  return [containers.map((c) => c?.name ?? "").join(","), containers.map((c) => c?.image ?? "").join(",")];
}

const ACCESS_MODES: [string, string][] = [
  ["ReadWriteOnce", "RWO"],
  ["ReadOnlyMany", "ROX"],
  ["ReadWriteMany", "RWX"],
  ["ReadWriteOncePod", "RWOP"],
];

/** helper.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, duplicates dropped. */
export function accessModes(modes: unknown): string {
  if (!Array.isArray(modes)) return "";
  return ACCESS_MODES.filter(([mode]) => modes.includes(mode))
    .map(([, short]) => short)
    .join(",");
}

/** printBoolPtr: "True", "False", or "<unset>". */
export function boolPtr(value: unknown): string {
  if (typeof value !== "boolean") return "<unset>";
  return value ? "True" : "False";
}

/** A resource.Quantity or IntOrString as printed; quantities are taken as stored. */
export function quantity(value: unknown): string {
  if (value === undefined || value === null || value === "") return "0";
  return String(value);
}

/** An integer cell (Go int64): missing or non-numeric values print as 0. */
export function int(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** A string field, or "" when absent (Go's zero value). */
export function str(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

export function arr(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
