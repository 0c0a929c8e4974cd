// Requested (or used) against allocatable as a PatternFly progress bar, with
// the figures beside it; warning above 80 %, danger above 95 %.
import { Progress, ProgressMeasureLocation, ProgressSize, ProgressVariant } from "@patternfly/react-core";
import { percent } from "../lib/format.ts";

type Props = { label: string; part: number | null | undefined; whole: number | null | undefined; format: (n: number) => string };

export function UsageBar({ label, part, whole, format }: Props) {
  const p = percent(part, whole);
  const variant = p > 95 ? ProgressVariant.danger : p > 80 ? ProgressVariant.warning : undefined;
  const text = whole ? `${format(part ?? 0)} / ${format(whole)}` : "–";
  return (
    <Progress
      value={p}
      label={text}
      valueText={`${p}%, ${text}`}
      aria-label={label}
      measureLocation={ProgressMeasureLocation.top}
      size={ProgressSize.sm}
      variant={variant}
      style={{ minWidth: "7rem" }}
    />
  );
}
