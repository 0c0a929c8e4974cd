// A unified diff (the REST's revision diff, or one made here from two YAML
// texts) with its added and removed lines marked by colour and by their
// leading + and - (colour is never the only signal).
import { useTranslation } from "react-i18next";

const STYLE: Record<string, React.CSSProperties> = {
  "+": { background: "#e6f4dc", color: "#1e4f18" },
  "-": { background: "#fde8e8", color: "#7d1007" },
  "@": { color: "#4d4d4d" },
};

export function DiffView({ diff, label }: { diff: string; label: string }) {
  const { t } = useTranslation();
  // The file header lines (---, +++, Index, ===) say nothing here.
  const lines = diff.split("\n").filter((l) => !/^(---|\+\+\+|Index:|====)/.test(l));
  const changed = lines.some((l) => l.startsWith("+") || l.startsWith("-"));
  if (!changed) return <p data-testid="diff-empty">{t("apps.diffNone")}</p>;
  return (
    <section aria-label={label} data-testid="diff">
      <pre
        className="pf-v6-u-font-family-monospace pf-v6-u-font-size-sm"
        style={{
          maxHeight: "28rem",
          overflow: "auto",
          border: "1px solid var(--pf-t--global--border--color--default)",
          padding: "0.5rem",
        }}
      >
        {lines.map((l, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
            key={i}
            style={STYLE[l[0]]}
            data-change={l[0] === "+" ? "added" : l[0] === "-" ? "removed" : undefined}
          >
            {l || " "}
          </div>
        ))}
      </pre>
    </section>
  );
}
