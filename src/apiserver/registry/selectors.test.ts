import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { labelSelectorMatches, selectorString } from "./selectors.ts";

describe("structured label selectors", () => {
  const labels = { app: "web", env: "prod" };

  it("match as LabelSelectorAsSelector: nil selects nothing, empty everything", () => {
    assert.equal(labelSelectorMatches(undefined, labels), false);
    assert.equal(labelSelectorMatches({}, labels), true);
    assert.equal(labelSelectorMatches({ matchLabels: { app: "web" } }, labels), true);
    assert.equal(labelSelectorMatches({ matchLabels: { app: "db" } }, labels), false);
  });

  it("apply every operator, and an unknown one selects nothing", () => {
    const m = (operator: string, key: string, values?: string[]) => labelSelectorMatches({ matchExpressions: [{ key, operator, values }] }, labels);
    assert.equal(m("In", "env", ["prod", "dev"]), true);
    assert.equal(m("In", "tier", ["fe"]), false);
    assert.equal(m("NotIn", "env", ["prod"]), false);
    assert.equal(m("NotIn", "tier", ["fe"]), true);
    assert.equal(m("Exists", "app"), true);
    assert.equal(m("DoesNotExist", "app"), false);
    assert.equal(m("Gt", "app", ["1"]), false);
  });

  it("print as LabelSelectorAsSelector(...).String(): sorted by key, values sorted", () => {
    assert.equal(selectorString({ matchLabels: { tier: "fe", app: "web" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["b", "a"] }] }), "app=web,env notin (a,b),tier=fe");
    assert.equal(selectorString(undefined), "");
    assert.equal(selectorString({ matchExpressions: [{ key: "x", operator: "Bad" }] }), undefined);
  });
});
