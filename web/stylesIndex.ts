// The console's stylesheet, indexed for kpanda serve's first pages
// (src/platform/http/criticalStyles.ts): each rule with the classes that
// each of its selectors needs, and its declarations, so that the server can
// put in a page only the rules its HTML can match, without a CSS parser at
// run time. Written by web/build.ts beside the renderer, as styles.json.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postcss, { type ChildNode, type Container } from "postcss";

/**
 * A style rule (`sel`, `needs`, `decls`) inside the at-rules `wrap` (e.g. ["@media (min-width:768px)"]),
 * or a rule kept as it is (`raw`: @font-face, @keyframes and the like).
 */
export type StyleItem = { wrap: string[]; sel?: string; needs?: string[][]; decls?: [string, string][]; raw?: string };
export type StylesIndex = { href: string; items: StyleItem[] };

/**
 * A selector without what is inside functional pseudo-classes, which are alternatives (:is(),
 * :where() of several selectors) or negations (:not(), :has()), so needed by no match; the one
 * selector of an :is() or :where() stays, since every match needs it.
 */
function outside(selector: string): string {
  let out = "";
  let i = 0;
  while (i < selector.length) {
    const fn = /^:(is|where|not|has)\(/.exec(selector.slice(i));
    if (!fn) {
      out += selector[i++];
      continue;
    }
    let depth = 1;
    let j = i + fn[0].length;
    let comma = false;
    for (; j < selector.length && depth > 0; j++) {
      if (selector[j] === "(") depth++;
      else if (selector[j] === ")") depth--;
      else if (selector[j] === "," && depth === 1) comma = true;
    }
    const inner = selector.slice(i + fn[0].length, j - 1);
    if ((fn[1] === "is" || fn[1] === "where") && !comma) out += outside(inner);
    i = j;
  }
  return out;
}

/** The classes an element must have (or its ancestors) for `selector` to match it. */
export function neededClasses(selector: string): string[] {
  return [...outside(selector).matchAll(/\.((?:\\.|[\w-])+)/g)].map((m) => m[1].replace(/\\(.)/g, "$1"));
}

/** The at-rules whose rules are selected one by one; any other (@font-face, @keyframes, @property) is kept whole. */
const GROUPS = new Set(["media", "supports", "container", "layer"]);

function walk(container: Container<ChildNode>, wrap: string[], items: StyleItem[]): void {
  for (const node of container.nodes ?? []) {
    if (node.type === "rule") {
      const decls: [string, string][] = [];
      node.each((d) => {
        if (d.type === "decl") decls.push([d.prop, d.important ? `${d.value}!important` : d.value]);
      });
      items.push({ wrap, sel: node.selector, needs: node.selectors.map(neededClasses), decls });
    } else if (node.type === "atrule" && node.nodes && GROUPS.has(node.name)) {
      walk(node, [...wrap, `@${node.name} ${node.params}`], items);
    } else if (node.type === "atrule" && node.name !== "charset" && node.name !== "import") {
      items.push({ wrap, raw: node.toString() });
    }
  }
}

/** Indexes web/dist's stylesheet (the one index.html links) into `outDir`/styles.json. */
export function writeStylesIndex(distDir: string, outDir: string): void {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const href = /<link rel="preload" as="style" crossorigin href="([^"]+\.css)">/.exec(html)?.[1];
  if (!href) throw new Error("index.html links no stylesheet to index");
  const items: StyleItem[] = [];
  walk(postcss.parse(readFileSync(join(distDir, href), "utf8")), [], items);
  writeFileSync(join(outDir, "styles.json"), JSON.stringify({ href, items } satisfies StylesIndex));
}
