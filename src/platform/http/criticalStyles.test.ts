import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import postcss from "postcss";
import { writeStylesIndex } from "../../../web/stylesIndex.ts";
import { CriticalStyles } from "./criticalStyles.ts";

// A stylesheet of the shapes PatternFly's has: component roots declaring custom properties,
// modifiers, functional pseudo-classes, media queries, fonts and keyframes.
const SHEET = `
:root{--t-color:#151515;--t-unused:red;--t-space:var(--t-base);--t-base:8px}
@font-face{font-family:Red Hat Text;src:url(/assets/rht.woff2)format("woff2");font-display:fallback}
@keyframes spin{to{transform:rotate(360deg)}}
.c-table{--c-table--Color:var(--t-color);--c-table--m-striped--Bg:grey;color:var(--c-table--Color)}
.c-table.m-striped{background:var(--c-table--m-striped--Bg)}
.c-table__td{padding:var(--t-space)}
.c-button:not(.m-plain){border:1px solid}
.c-button:where(.m-primary,.m-danger){font-weight:700}
.c-button:is(.m-link){text-decoration:underline}
.c-modal,.c-table__th{font-size:14px}
@media (min-width:768px){.c-table__td{padding:16px}.c-wizard{display:flex}.c-table__th{padding:8px}}
.c-progress__bar{width:var(--c-progress--Width)}
.c-spinner{animation:spin 1s}
body{margin:0}
`;

/** The selectors of a CSS text's rules, each with its at-rule's prelude when inside one. */
function rules(css: string): string[] {
  const out: string[] = [];
  postcss.parse(css).walkRules((r) => {
    if (r.parent?.type === "atrule" && (r.parent as postcss.AtRule).name === "keyframes") return;
    out.push(r.parent?.type === "atrule" ? `@${(r.parent as postcss.AtRule).params} ${r.selector}` : r.selector);
  });
  return out;
}

/** The custom properties a CSS text declares. */
function declared(css: string): string[] {
  const out: string[] = [];
  postcss.parse(css).walkDecls((d) => void (d.prop.startsWith("--") && out.push(d.prop)));
  return out.sort();
}

describe("the styles a served first page needs", () => {
  let dir: string;
  let styles: CriticalStyles;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpanda-styles-"));
    await writeFile(join(dir, "index.html"), '<head><link rel="preload" as="style" crossorigin href="/style-1.css"></head>');
    await writeFile(join(dir, "style-1.css"), SHEET);
    writeStylesIndex(dir, dir);
    styles = (await CriticalStyles.load(dir)) as CriticalStyles;
  });

  after(() => rm(dir, { recursive: true, force: true }));

  test("keeps the rules whose classes the page has, in the sheet's order, and leaves out the others", () => {
    const css = styles.forPage('<table class="c-table"><tr><td class="c-table__td">a</td></tr></table><button class="c-button m-primary">b</button>');
    assert.deepEqual(rules(css), [
      ":root",
      ".c-table",
      ".c-table__td",
      // :not() and :where() of several selectors need none of the classes inside them; :is() of one needs it.
      ".c-button:not(.m-plain)",
      ".c-button:where(.m-primary,.m-danger)",
      "@(min-width:768px) .c-table__td",
      "body",
    ]);
  });

  test("a rule with a selector list is kept when one of its selectors can match", () => {
    assert.ok(rules(styles.forPage('<th class="c-table__th">x</th>')).includes(".c-modal,.c-table__th"));
  });

  test("keeps the custom properties kept rules read, through other custom properties, and only those", () => {
    const css = styles.forPage('<table class="c-table"><tr><td class="c-table__td">a</td></tr></table>');
    // --c-table--m-striped--Bg is read only by .c-table.m-striped, which the page cannot match.
    assert.deepEqual(declared(css), ["--c-table--Color", "--t-base", "--t-color", "--t-space"]);
  });

  test("custom properties the page's inline styles set or read count as read", () => {
    const css = styles.forPage('<div class="c-progress__bar" style="--c-progress--Width:40%;color:var(--t-unused)"></div>');
    assert.ok(declared(css).includes("--t-unused"));
    assert.ok(rules(css).includes(".c-progress__bar"));
  });

  test("fonts and keyframes are kept whole; the page's wrapping at-rules stay valid CSS", () => {
    const css = styles.forPage('<div class="c-spinner"></div>');
    assert.match(css, /@font-face\{font-family:Red Hat Text;/);
    assert.match(css, /@keyframes spin\{to\{transform:rotate\(360deg\)\}\}/);
    // No rule of the media query applies: it is left out, not left empty.
    assert.doesNotMatch(css, /@media/);
    assert.doesNotThrow(() => postcss.parse(css));
  });

  test("rules of one media query that the page needs come in one block", () => {
    const css = styles.forPage('<div class="c-table__td c-wizard c-table__th"></div>');
    assert.equal(css.match(/@media/g)?.length, 1);
    assert.deepEqual(
      rules(css).filter((r) => r.startsWith("@")),
      ["@(min-width:768px) .c-table__td", "@(min-width:768px) .c-wizard", "@(min-width:768px) .c-table__th"],
    );
  });

  test("no index, or one cut short, gives no styles: the page links the whole sheet instead", async () => {
    const other = await mkdtemp(join(tmpdir(), "kpanda-styles-"));
    try {
      assert.equal(await CriticalStyles.load(other), undefined);
      await writeFile(join(other, "styles.json"), '{"href":"/style-1.css","items":[{"wrap":[');
      assert.equal(await CriticalStyles.load(other), undefined);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
