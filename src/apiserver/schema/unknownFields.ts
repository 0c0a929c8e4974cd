// Strict field validation (fieldValidation=Strict, kube-apiserver 1.27+) for
// built-in kinds. kube-apiserver decodes with sigs.k8s.io/json's strict mode
// and answers 400 BadRequest with
//   Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"
// Paths join field names with "." and list indexes as "[0]"
// ("spec.template.spec.containers[0].foo"); map keys are joined like fields.
import { isPlainObject } from "../patch/PatchError.ts";
import { type FieldType, getModel } from "./typeGraph.ts";

/** The paths of fields of `obj` that model `modelType` does not declare, in document order. */
export function findUnknownFields(modelType: string, obj: unknown): string[] {
  const out: string[] = [];
  walk({ kind: "ref", name: modelType }, obj, "", out);
  return out;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walk(type: FieldType, value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  switch (type.kind) {
    case "ref": {
      const model = getModel(type.name);
      if (!model || !isPlainObject(value)) return;
      for (const [k, v] of Object.entries(value)) {
        const field = model.fields.get(k);
        if (field) walk(field.type, v, join(path, k), out);
        else out.push(join(path, k));
      }
      return;
    }
    case "array":
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) walk(type.items, value[i], `${path}[${i}]`, out);
      }
      return;
    case "map":
      if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walk(type.values, v, join(path, k), out);
      return;
    default:
      // Primitives, int-or-string and free-form JSON accept anything here;
      // a wrong JSON type is a decoding error, not an unknown field.
      return;
  }
}

/**
 * The paths of keys that appear twice in one JSON object of `json` (which
 * must be valid JSON: JSON.parse keeps only the last value of a duplicate).
 */
export function findDuplicateFields(json: string): string[] {
  const out: string[] = [];
  const s = new Scanner(json);
  s.value("", out);
  return out;
}

class Scanner {
  private i = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  value(path: string, out: string[]): void {
    this.skipSpace();
    const ch = this.text[this.i];
    if (ch === "{") this.object(path, out);
    else if (ch === "[") this.array(path, out);
    else if (ch === '"') this.string();
    else while (this.i < this.text.length && !",}] \t\r\n".includes(this.text[this.i])) this.i++;
  }

  private object(path: string, out: string[]): void {
    const seen = new Set<string>();
    this.i++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.i] === "}" || this.i >= this.text.length) break;
      const key = this.string();
      const p = join(path, key);
      if (seen.has(key)) out.push(p);
      seen.add(key);
      this.skipSpace();
      this.i++; // ':'
      this.value(p, out);
      this.skipSpace();
      if (this.text[this.i] === ",") this.i++;
    }
    this.i++;
  }

  private array(path: string, out: string[]): void {
    this.i++;
    for (let n = 0; ; n++) {
      this.skipSpace();
      if (this.text[this.i] === "]" || this.i >= this.text.length) break;
      this.value(`${path}[${n}]`, out);
      this.skipSpace();
      if (this.text[this.i] === ",") this.i++;
    }
    this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"') this.i += this.text[this.i] === "\\" ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private skipSpace(): void {
    while (this.i < this.text.length && " \t\r\n".includes(this.text[this.i])) this.i++;
  }
}

/** kube-apiserver's 400 message for a strict decoding failure of `kind` in `version`. */
export function strictDecodingMessage(kind: string, version: string, unknown: string[], duplicates: string[] = []): string {
  const problems = [...unknown.map((p) => `unknown field "${p}"`), ...duplicates.map((p) => `duplicate field "${p}"`)];
  return `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(", ")}`;
}
