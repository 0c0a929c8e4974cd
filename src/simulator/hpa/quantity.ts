// resource.Quantity as numbers, enough for metrics: cpu in cores, memory in
// bytes. Formats follow metrics-server (cpu in nanocores, memory in Ki).
import { parseQuantity } from "../../apiserver/admission/quantity.ts";

/** A quantity's value (cores, bytes), or 0 when absent or malformed. */
export function quantity(v: unknown): number {
  return parseQuantity(v) ?? 0;
}

/** cpu as metrics-server prints it: "123456789n". */
export const nanocores = (cores: number) => `${Math.round(cores * 1e9)}n`;

/** memory as metrics-server prints it: "1234Ki". */
export const kibibytes = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

/** A milli-quantity the way the HPA reports averageValue: "250m". */
export const milli = (v: number) => `${Math.round(v * 1000)}m`;
