// Where the cursor is in a YAML document being typed, found from indentation
// alone (a document half written does not parse): the path of the mapping a
// key typed there would belong to, or the key whose value is being typed.
// Block YAML (YAML 1.2 §8.2): a mapping's keys share one column; a sequence's
// "- " entries share one column, the same as their parent key's (compact,
// as kubectl prints) or deeper; the first key of an item follows its "- " on
// the same line. "[]" in a path stands for an item of a sequence.

export type YamlPlace =
  /** Typing a key (`prefix` so far, starting at `from`) of the mapping at `path`. */
  | { kind: "key"; path: string[]; prefix: string; from: number; siblings: string[] }
  /** Typing the value (`prefix` so far, from `from`) of `key` in the mapping at `path`. */
  | { kind: "value"; path: string[]; key: string; prefix: string; from: number };

type Entry = { col: number; kind: "dash" | "key"; key?: string; empty?: boolean };

const KEY = /^([^\s#:'"{}[\],&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?):(?:\s+(.*))?$/;

/** A line's entries: each "- " and the key after them (with whether its value is empty), by column. */
export function entriesOf(line: string): Entry[] {
  const out: Entry[] = [];
  let i = line.length - line.trimStart().length;
  for (;;) {
    const rest = line.slice(i);
    if (rest === "-" || rest.startsWith("- ")) {
      out.push({ col: i, kind: "dash" });
      i += 1;
      while (line[i] === " ") i++;
      continue;
    }
    if (rest === "" || rest.startsWith("#")) return out;
    const m = KEY.exec(rest);
    if (m) {
      const value = (m[2] ?? "").replace(/(^|\s)#.*$/, "").trim();
      out.push({ col: i, kind: "key", key: m[1].trim(), empty: value === "" });
    }
    return out;
  }
}

/**
 * The path (outermost first) of the node holding an entry at `col` of
 * `kind`, from the lines above line `index` (which are its only context);
 * undefined when its parent is a key that already has a value (no YAML).
 */
export function pathAbove(lines: string[], index: number, col: number, kind: Entry["kind"]): string[] | undefined {
  const path: string[] = [];
  let cur = { col, kind };
  for (let i = index - 1; i >= 0 && cur.col > 0; i--) {
    if (/^\s*---\s*$/.test(lines[i])) break;
    const es = entriesOf(lines[i]);
    if (es.length === 0) continue;
    const at = es.findIndex((e) => e.col === cur.col && e.kind === cur.kind);
    let j = at;
    if (at < 0) {
      // The parent: the last entry left of cur (a key in cur's column, when cur is a dash: compact sequences).
      j = es.findLastIndex((e) => e.col < cur.col || (cur.kind === "dash" && e.kind === "key" && e.col === cur.col));
      if (j < 0) continue;
      const parent = es[j];
      if (parent.kind === "key" && !parent.empty) return undefined;
      path.push(parent.kind === "key" ? (parent.key as string) : "[]");
    }
    // The dashes left of the anchor on its line are items holding it.
    for (let k = j - 1; k >= 0; k--) path.push("[]");
    cur = { col: es[0].col, kind: es[0].kind };
  }
  return path.reverse();
}

/** The keys of the mapping whose keys sit at `col`, around line `index` (same mapping: no line between at a lower column). */
function siblingsAt(lines: string[], index: number, col: number): string[] {
  const keys: string[] = [];
  const scan = (step: number) => {
    for (let i = index + step; i >= 0 && i < lines.length; i += step) {
      if (/^\s*---\s*$/.test(lines[i])) return;
      const es = entriesOf(lines[i]);
      if (es.length === 0) continue;
      const key = es.find((e) => e.kind === "key" && e.col === col);
      if (key) keys.push(key.key as string);
      // A dash at col - 2 starts this item (going up) or the next one (going down).
      if (es.some((e) => e.kind === "dash" && e.col === col - 2)) return;
      if (es[0].col < col && !key) return;
    }
  };
  scan(-1);
  scan(1);
  return keys;
}

/** The path of a key at `col` on line `index`, after the dashes among its line's entries `es`. */
function pathOf(lines: string[], index: number, col: number, es: Entry[]): string[] | undefined {
  const dashes = es.length - 1;
  if (dashes === 0) return pathAbove(lines, index, col, "key");
  const above = pathAbove(lines, index, es[0].col, "dash");
  return above && [...above, ...Array<string>(dashes).fill("[]")];
}

/** What is being typed at `pos` in `doc`, or undefined where neither a key nor a value fits (a comment, a flow collection). */
export function placeAt(doc: string, pos: number): YamlPlace | undefined {
  const lineStart = doc.lastIndexOf("\n", pos - 1) + 1;
  const before = doc.slice(lineStart, pos);
  const lines = doc.slice(0, lineStart).split("\n");
  const index = lines.length - 1;
  const all = doc.split("\n");
  // A key being typed: indentation and dashes, then a word.
  const k = /^((?:\s*-(?=\s))*\s*)([\w./-]*)$/.exec(before);
  if (k) {
    const col = k[1].length;
    const es = entriesOf(`${k[1]}x:`);
    const path = pathOf(lines, index, col, es);
    if (!path) return undefined;
    const siblings = es.length > 1 ? [] : siblingsAt(all, index, col);
    return { kind: "key", path, prefix: k[2], from: pos - k[2].length, siblings };
  }
  // A value being typed: key, colon, space, then a scalar so far.
  const v = /^((?:\s*-(?=\s))*\s*)([\w./-]+):\s+([\w./-]*)$/.exec(before);
  if (v) {
    const path = pathOf(lines, index, v[1].length, entriesOf(`${v[1]}x:`));
    if (!path) return undefined;
    return { kind: "value", path, key: v[2], prefix: v[3], from: pos - v[3].length };
  }
  return undefined;
}

/** The apiVersion and kind of the document (between "---" lines) that `pos` is in. */
export function documentKind(doc: string, pos: number): { apiVersion?: string; kind?: string } {
  const start = doc.lastIndexOf("\n---", pos - 1);
  const endAt = doc.indexOf("\n---", pos);
  const text = doc.slice(start < 0 ? 0 : start + 4, endAt < 0 ? doc.length : endAt);
  const top = (name: string) => new RegExp(`^${name}:[ \\t]*["']?([\\w./-]+)["']?[ \\t]*(?:#.*)?$`, "m").exec(text)?.[1];
  return { apiVersion: top("apiVersion"), kind: top("kind") };
}
