// The part of the console's stylesheet a served first page needs, put in the
// page itself. PatternFly's stylesheet is 1.3 MB; linked render-blocking, a
// first visit waited for it to arrive and be parsed and matched against the
// page before its first paint. A page's HTML uses about 130 classes: the
// rules none of its elements can match, and the custom properties no kept
// rule reads, are left out: about 200 KB remain. The whole sheet still
// loads, without blocking, and the console applies it before it takes the
// page over (web/src/styles.ts). bench/console.ts, first visits in one run,
// first paint p50: overview 684 ms (1,104 with the sheet linked), node table
// 864 ms (1,176).
//
// The rules come pre-parsed (web/stylesIndex.ts, at build time), so no CSS
// parser runs here. A rule is kept when, for one of its selectors, every
// class the selector names is in the page: tags, attributes and states are
// not checked, so it may keep more than matches, never less.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

type StyleItem = { wrap: string[]; sel?: string; needs?: string[][]; decls?: [string, string][]; raw?: string };
type StylesIndex = { href: string; items: StyleItem[] };

const VAR = /--[\w-]+/g;
/** Pages differ in a few shapes (overview, tables, details): their styles are kept for this many. */
const CACHED = 64;

export class CriticalStyles {
  readonly href: string;
  private items: StyleItem[];
  private cache = new Map<string, string>();

  constructor(index: StylesIndex) {
    this.href = index.href;
    this.items = index.items;
  }

  /**
   * The index web/build.ts wrote beside the renderer; undefined when there is none or it is not an
   * index (a build cut short): served pages then link the whole sheet (serverRender.ts).
   */
  static async load(dir: string): Promise<CriticalStyles | undefined> {
    try {
      const index = JSON.parse(await readFile(join(dir, "styles.json"), "utf8")) as StylesIndex;
      return typeof index.href === "string" && Array.isArray(index.items) ? new CriticalStyles(index) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The CSS `html` needs, cached by the classes and custom properties it uses. */
  forPage(html: string): string {
    const classes = new Set<string>();
    for (const m of html.matchAll(/\bclass="([^"]*)"/g)) for (const c of m[1].split(/\s+/)) if (c) classes.add(c);
    // Custom properties the page's inline styles read or set (progress bars' widths and the like).
    const inline = new Set<string>();
    for (const m of html.matchAll(/\bstyle="([^"]*)"/g)) for (const v of m[1].matchAll(VAR)) inline.add(v[0]);
    const key = `${[...classes].sort().join(" ")}|${[...inline].sort().join(" ")}`;
    let css = this.cache.get(key);
    if (css === undefined) {
      css = this.select(classes, inline);
      if (this.cache.size >= CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, css);
    }
    return css;
  }

  private select(classes: Set<string>, inline: Set<string>): string {
    const kept = this.items.filter((i) => i.raw !== undefined || i.needs?.some((n) => n.every((c) => classes.has(c))));
    const read = readProperties(kept, inline);
    let out = "";
    let open: string[] = [];
    for (const item of kept) {
      const body = item.raw ?? rule(item, read);
      if (!body) continue;
      // Close and open at-rules as the item's wrapping differs from the previous one's.
      let same = 0;
      while (same < open.length && same < item.wrap.length && open[same] === item.wrap[same]) same++;
      out += "}".repeat(open.length - same);
      for (const w of item.wrap.slice(same)) out += `${w}{`;
      open = item.wrap;
      out += body;
    }
    return out + "}".repeat(open.length);
  }
}

/**
 * The custom properties that matter: those the kept rules' ordinary declarations read, those the
 * page's inline styles name, and, transitively, those the values of these read.
 */
function readProperties(kept: StyleItem[], inline: Set<string>): Set<string> {
  const read = new Set(inline);
  const defs = new Map<string, string[]>();
  for (const item of kept) {
    for (const v of item.raw?.matchAll(VAR) ?? []) read.add(v[0]);
    for (const [prop, value] of item.decls ?? []) {
      if (!value.includes("--")) continue;
      if (prop.startsWith("--")) defs.set(prop, [...(defs.get(prop) ?? []), value]);
      else for (const v of value.matchAll(VAR)) read.add(v[0]);
    }
  }
  const todo = [...read];
  while (todo.length) {
    for (const value of defs.get(todo.pop() as string) ?? []) {
      for (const v of value.matchAll(VAR)) {
        if (read.has(v[0])) continue;
        read.add(v[0]);
        todo.push(v[0]);
      }
    }
  }
  return read;
}

/** A style rule with the custom properties nobody reads left out; empty when nothing remains. */
function rule(item: StyleItem, read: Set<string>): string {
  const decls = (item.decls ?? []).filter(([prop]) => !prop.startsWith("--") || read.has(prop));
  return decls.length ? `${item.sel}{${decls.map(([p, v]) => `${p}:${v}`).join(";")}}` : "";
}
