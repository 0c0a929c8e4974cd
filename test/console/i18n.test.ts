// The console's translations agree: every English key has a Chinese one and
// back (plural forms aside: English has _one and _other, Chinese only _other,
// as CLDR's plural rules for zh give one category), and the interpolations
// of each pair name the same values.
import assert from "node:assert/strict";
import { test } from "node:test";
import { en } from "../../web/src/i18n/en.ts";
import { zh } from "../../web/src/i18n/zh.ts";

type Tree = { [k: string]: string | Tree };

function flatten(t: Tree, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === "string") out.set(`${prefix}${k}`.replace(/_(one|other)$/, ""), v);
    else flatten(v, `${prefix}${k}.`, out);
  }
  return out;
}

const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}|\$\{(\w+)\}|<(\w+)>/g)].map((m) => m[1] ?? m[2] ?? m[3]).sort();

test("English and Chinese have the same keys", () => {
  const e = flatten(en as Tree);
  const z = flatten(zh as Tree);
  assert.deepEqual([...e.keys()].filter((k) => !z.has(k)), [], "missing in zh.ts");
  assert.deepEqual([...z.keys()].filter((k) => !e.has(k)), [], "missing in en.ts");
});

test("each translation interpolates the same values as its English", () => {
  const z = flatten(zh as Tree);
  for (const [k, v] of flatten(en as Tree)) assert.deepEqual(vars(z.get(k) ?? ""), vars(v), k);
});

test("Chinese uses only the plural category CLDR gives it", () => {
  assert.deepEqual(new Intl.PluralRules("zh").resolvedOptions().pluralCategories, ["other"]);
  const keys: string[] = [];
  const walk = (t: Tree, p = "") => {
    for (const [k, v] of Object.entries(t)) typeof v === "string" ? keys.push(p + k) : walk(v, `${p}${k}.`);
  };
  walk(zh as Tree);
  assert.deepEqual(keys.filter((k) => k.endsWith("_one")), []);
});
