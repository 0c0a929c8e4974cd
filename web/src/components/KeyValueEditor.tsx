// Edits a string map (labels, annotations) as rows of key and value, each
// with its own label for screen readers; rows are added and removed by button.
import { Button, Flex, FlexItem, TextInput } from "@patternfly/react-core";
import MinusCircleIcon from "@patternfly/react-icons/dist/esm/icons/minus-circle-icon";
import PlusCircleIcon from "@patternfly/react-icons/dist/esm/icons/plus-circle-icon";
import { useTranslation } from "react-i18next";

export type Row = { key: string; value: string };

export const toRows = (m: Record<string, string> | undefined): Row[] => Object.entries(m ?? {}).map(([key, value]) => ({ key, value }));
export const toMap = (rows: Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value.trim()]));
/** As toMap, but values kept as typed (a ConfigMap's or Secret's value may carry spaces and newlines). */
export const toData = (rows: Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value]));

type Props = { id: string; rows: Row[]; onChange: (rows: Row[]) => void; addLabel?: string };

export function KeyValueEditor({ id, rows, onChange, addLabel }: Props) {
  const { t } = useTranslation();
  const set = (i: number, r: Partial<Row>) => onChange(rows.map((x, j) => (j === i ? { ...x, ...r } : x)));
  return (
    <div id={id}>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place while being edited
        <Flex key={i} className="pf-v6-u-mb-sm" flexWrap={{ default: "nowrap" }}>
          <FlexItem grow={{ default: "grow" }}>
            <TextInput aria-label={t("kv.key", { n: i + 1 })} value={r.key} onChange={(_e, key) => set(i, { key })} placeholder={t("kv.keyPlaceholder")} />
          </FlexItem>
          <FlexItem grow={{ default: "grow" }}>
            <TextInput aria-label={t("kv.value", { n: i + 1 })} value={r.value} onChange={(_e, value) => set(i, { value })} placeholder={t("kv.valuePlaceholder")} />
          </FlexItem>
          <FlexItem>
            <Button variant="plain" aria-label={t("kv.remove", { n: i + 1 })} onClick={() => onChange(rows.filter((_x, j) => j !== i))} icon={<MinusCircleIcon />} />
          </FlexItem>
        </Flex>
      ))}
      <Button variant="link" isInline icon={<PlusCircleIcon />} onClick={() => onChange([...rows, { key: "", value: "" }])}>
        {addLabel ?? t("kv.add")}
      </Button>
    </div>
  );
}
