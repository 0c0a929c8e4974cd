// Where a member's field error points in a YAML text: the field path of a
// Status cause (spec.template.spec.containers[0].image) found in the parsed
// document, or its nearest parent that is there (a required field that is
// missing), as a character range for the editor's diagnostics.
import { isNode, parseDocument } from "yaml";
import type { Cause } from "../api/ApiError.ts";
import type { EditorProblem } from "../components/CodeEditor.tsx";

/** The path of a cause's field: dots between keys, [n] for list items, [key] for map keys with dots. */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

export function problemsOf(text: string, causes: Cause[]): EditorProblem[] {
  const doc = parseDocument(text);
  const out: EditorProblem[] = [];
  for (const c of causes) {
    const path = fieldPath(c.field ?? "");
    let range: [number, number] | undefined;
    for (let n = path.length; n > 0 && !range; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) range = [node.range[0], node.range[1]];
    }
    const message = [c.field, c.message].filter(Boolean).join(": ");
    out.push({ from: range?.[0] ?? 0, to: range?.[1] ?? 0, message });
  }
  return out;
}
