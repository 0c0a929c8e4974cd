// A NetworkPolicy as a small graph: the pods it selects in the middle, the
// peers ingress rules allow on the left (arrows in), the peers egress rules
// allow on the right (arrows out), each arrow labelled with its ports; a
// direction the policy restricts with no rules is marked as denying all.
// The words (netpolWords.ts) are its accessible name.
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { selectorText } from "../api/policies.ts";
import { describeNetworkPolicy, type NetpolSpec, peerText, portsText, type Rule, typesOf } from "./netpolWords.ts";

type Edge = { label: string; ports: string };

const ROW = 44;
const BOX_W = 190;
const WIDTH = 820;
/** A peer's box width. */
const PEER_W = 240;
const MID_X = (WIDTH - BOX_W) / 2;

function edges(t: TFunction, ns: string, rules: Rule[] | undefined, dir: "from" | "to"): Edge[] {
  return (rules ?? []).flatMap((r) => {
    const ports = portsText(t, r.ports);
    const peers = r[dir] ?? [];
    return peers.length ? peers.map((p) => ({ label: peerText(t, ns, p), ports })) : [{ label: t("policies.words.anywhere"), ports }];
  });
}

/** Text cut to fit a box (SVG text does not wrap); the full text is the title. */
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A peer's box at (x, y), and its arrow to (ingress) or from (egress) the selected pods' box edge at midY. */
function Peer({ e, x, y, side, midY }: { e: Edge; x: number; y: number; side: "left" | "right"; midY: number }) {
  const h = ROW - 12;
  const w = PEER_W;
  const [x1, y1, x2, y2] = side === "left" ? [x + w, y + h / 2, MID_X, midY] : [MID_X + BOX_W, midY, x, y + h / 2];
  return (
    <g>
      <title>{`${e.label} (${e.ports})`}</title>
      <rect x={x} y={y} width={w} height={h} rx={6} fill="var(--pf-t--global--background--color--secondary--default)" stroke="var(--pf-t--global--border--color--default)" />
      <text x={x + 8} y={y + 20} fontSize="11" fill="var(--pf-t--global--text--color--regular)">
        {cut(e.label, 36)}
      </text>
      <line x1={x1} y1={y1} x2={x2} y2={y2} stroke="var(--pf-t--global--border--color--default)" markerEnd="url(#np-arrow)" />
      <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 4} fontSize="10" textAnchor="middle" fill="var(--pf-t--global--text--color--subtle)">
        {cut(e.ports, 22)}
      </text>
    </g>
  );
}

export function NetpolGraph({ namespace, spec }: { namespace: string; spec: NetpolSpec }) {
  const { t } = useTranslation();
  const types = typesOf(spec);
  const ins = types.includes("Ingress") ? edges(t, namespace, spec.ingress, "from") : [];
  const outs = types.includes("Egress") ? edges(t, namespace, spec.egress, "to") : [];
  const rows = Math.max(ins.length, outs.length, 1);
  const height = rows * ROW + 24;
  const midY = height / 2;
  const sel = selectorText(spec.podSelector);
  const denied = (dir: "Ingress" | "Egress", n: number) => types.includes(dir) && n === 0;
  return (
    <svg role="img" aria-label={describeNetworkPolicy(t, namespace, spec).join(" ")} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" style={{ maxWidth: WIDTH }} data-testid="netpol-graph">
      <defs>
        <marker id="np-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="var(--pf-t--global--border--color--default)" />
        </marker>
      </defs>
      {ins.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the graph is drawn again whole
        <Peer key={`in${i}`} e={e} x={0} y={12 + i * ROW} side="left" midY={midY} />
      ))}
      {outs.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the graph is drawn again whole
        <Peer key={`out${i}`} e={e} x={WIDTH - PEER_W} y={12 + i * ROW} side="right" midY={midY} />
      ))}
      <rect x={MID_X} y={midY - 26} width={BOX_W} height={52} rx={8} fill="var(--pf-t--global--color--brand--default)" />
      <text x={MID_X + BOX_W / 2} y={midY - 6} fontSize="12" textAnchor="middle" fill="var(--pf-t--global--text--color--on-brand--default)">
        {cut(sel ? t("policies.words.podsWith", { selector: sel }) : t("policies.words.allPods"), 28)}
      </text>
      <text x={MID_X + BOX_W / 2} y={midY + 12} fontSize="11" textAnchor="middle" fill="var(--pf-t--global--text--color--on-brand--default)">
        {cut(namespace, 28)}
      </text>
      {denied("Ingress", ins.length) && (
        <text x={MID_X - 12} y={midY + 4} fontSize="11" textAnchor="end" fill="var(--pf-t--global--text--color--status--danger--default)">
          {t("policies.words.denyAll.ingress")}
        </text>
      )}
      {denied("Egress", outs.length) && (
        <text x={MID_X + BOX_W + 12} y={midY + 4} fontSize="11" fill="var(--pf-t--global--text--color--status--danger--default)">
          {t("policies.words.denyAll.egress")}
        </text>
      )}
    </svg>
  );
}
