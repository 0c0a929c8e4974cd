// The subset of Kubernetes JSONPath that CRD printer columns use:
// .field, ['field'], [n], [-n], [a:b], [*], .*, ..field, unions ['a','b'] and
// filters [?(@.path op literal)] / [?(@.path)]. Missing keys give no result
// (client-go's AllowMissingKeys), never an error.

type Literal = { kind: "literal"; value: unknown };
type PathOperand = { kind: "path"; steps: Step[] };
type Operand = Literal | PathOperand;
type Filter = { left: Operand; op?: string; right?: Operand };

export type Step =
  | { kind: "field"; names: string[] }
  | { kind: "wildcard" }
  | { kind: "recursive"; name: string }
  | { kind: "index"; indexes: number[] }
  | { kind: "slice"; start?: number; end?: number; step?: number }
  | { kind: "filter"; filter: Filter };

const NAME_STOP = new Set([".", "[", " ", "=", "!", "<", ">", ")", "&", "|"]);

class Parser {
  private i = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  parse(): Step[] {
    const steps = this.steps();
    if (this.i < this.s.length) throw new Error(`unexpected ${JSON.stringify(this.s[this.i])} in JSONPath`);
    return steps;
  }

  /** Steps until the end of input or a character that cannot continue a path. */
  steps(): Step[] {
    const steps: Step[] = [];
    if (this.s[this.i] === "$" || this.s[this.i] === "@") this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === "." && this.s[this.i + 1] === ".") {
        this.i += 2;
        steps.push({ kind: "recursive", name: this.name() });
      } else if (c === ".") {
        this.i++;
        if (this.s[this.i] === "*") {
          this.i++;
          steps.push({ kind: "wildcard" });
        } else {
          const name = this.name();
          if (name !== "") steps.push({ kind: "field", names: [name] });
        }
      } else if (c === "[") {
        steps.push(this.bracket());
      } else break;
    }
    return steps;
  }

  private name(): string {
    let out = "";
    while (this.i < this.s.length && !NAME_STOP.has(this.s[this.i])) {
      if (this.s[this.i] === "\\" && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i++];
    }
    return out;
  }

  private bracket(): Step {
    const close = this.s[this.i + 1] === "?" ? this.matchingParen() : this.s.indexOf("]", this.i);
    if (close < 0) throw new Error("unterminated [ in JSONPath");
    const body = this.s.slice(this.i + 1, close).trim();
    let step: Step;
    if (body.startsWith("?(") && body.endsWith(")"))
      step = { kind: "filter", filter: parseFilter(body.slice(2, -1)) };
    else if (body === "*") step = { kind: "wildcard" };
    else if (body.startsWith("'") || body.startsWith('"')) step = { kind: "field", names: quotedList(body) };
    else if (body.includes(":")) step = sliceStep(body);
    else step = { kind: "index", indexes: body.split(",").map((n) => integer(n)) };
    this.i = close + 1;
    return step;
  }

  /** Index of the "]" closing a filter bracket, skipping quoted strings and nested brackets. */
  private matchingParen(): number {
    let depth = 0;
    for (let j = this.i; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === '"' || c === "'") {
        j = this.s.indexOf(c, j + 1);
        if (j < 0) return -1;
      } else if (c === "[") depth++;
      else if (c === "]" && --depth === 0) return j;
    }
    return -1;
  }
}

function integer(text: string): number {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) throw new Error(`invalid array index ${JSON.stringify(t)}`);
  return Number(t);
}

function sliceStep(body: string): Step {
  const [a, b, c] = body.split(":").map((p) => p.trim());
  return {
    kind: "slice",
    start: a ? integer(a) : undefined,
    end: b ? integer(b) : undefined,
    step: c ? integer(c) : undefined,
  };
}

function quotedList(body: string): string[] {
  const names: string[] = [];
  const re = /\s*(['"])((?:\\.|(?!\1).)*)\1\s*(,|$)/gy;
  let m: RegExpExecArray | null = re.exec(body);
  while (m) {
    names.push(m[2].replace(/\\(.)/g, "$1"));
    if (re.lastIndex >= body.length) return names;
    m = re.exec(body);
  }
  throw new Error(`invalid quoted field list ${JSON.stringify(body)}`);
}

function operand(text: string): Operand {
  const t = text.trim();
  if (t.startsWith("@") || t.startsWith("$")) return { kind: "path", steps: new Parser(t).parse() };
  if (/^(['"]).*\1$/.test(t)) return { kind: "literal", value: t.slice(1, -1) };
  if (t === "true" || t === "false") return { kind: "literal", value: t === "true" };
  if (t === "nil" || t === "null") return { kind: "literal", value: null };
  const n = Number(t);
  if (t !== "" && !Number.isNaN(n)) return { kind: "literal", value: n };
  throw new Error(`invalid filter operand ${JSON.stringify(t)}`);
}

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">"];

/** Splits "left op right" at the first operator outside quotes; no operator means an existence test. */
function parseFilter(expr: string): Filter {
  let quote = "";
  for (let j = 0; j < expr.length; j++) {
    const c = expr[j];
    if (quote) {
      if (c === "\\") j++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    const op = OPERATORS.find((o) => expr.startsWith(o, j));
    if (op) return { left: operand(expr.slice(0, j)), op, right: operand(expr.slice(j + op.length)) };
  }
  return { left: operand(expr) };
}

const cache = new Map<string, Step[]>();

/** Compiles a column's JSONPath (e.g. ".status.conditions[?(@.type==\"Ready\")].status"); throws when invalid. */
export function compile(path: string): Step[] {
  let steps = cache.get(path);
  if (!steps) {
    const inner = path.trim().replace(/^\{(.*)\}$/s, "$1");
    steps = new Parser(inner).parse();
    cache.set(path, steps);
  }
  return steps;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObject(v))
    return Object.keys(v)
      .sort()
      .map((k) => v[k]);
  return [];
}

function descend(v: unknown, name: string, out: unknown[]): void {
  if (isObject(v) && name in v) out.push(v[name]);
  for (const c of children(v)) descend(c, name, out);
}

function sliceOf(list: unknown[], s: Extract<Step, { kind: "slice" }>): unknown[] {
  const len = list.length;
  const norm = (n: number) => (n < 0 ? Math.max(0, len + n) : Math.min(n, len));
  const start = s.start === undefined ? 0 : norm(s.start);
  const end = s.end === undefined ? len : norm(s.end);
  const step = s.step && s.step > 0 ? s.step : 1;
  const out: unknown[] = [];
  for (let i = start; i < end; i += step) out.push(list[i]);
  return out;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "string")) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === "<" ? x < y : op === ">" ? x > y : op === "<=" ? x <= y : x >= y;
}

function operandValues(o: Operand, item: unknown): unknown[] {
  return o.kind === "literal" ? [o.value] : evaluate(item, o.steps);
}

function passes(f: Filter, item: unknown): boolean {
  const left = operandValues(f.left, item);
  if (!f.op || !f.right) return left.length > 0;
  const right = operandValues(f.right, item);
  return left.length > 0 && right.length > 0 && compare(left[0], f.op, right[0]);
}

function apply(step: Step, v: unknown, out: unknown[]): void {
  switch (step.kind) {
    case "field":
      if (isObject(v)) for (const n of step.names) if (n in v) out.push(v[n]);
      return;
    case "wildcard":
      out.push(...children(v));
      return;
    case "recursive":
      descend(v, step.name, out);
      return;
    case "index":
      if (Array.isArray(v)) {
        for (const i of step.indexes) {
          const at = i < 0 ? v.length + i : i;
          if (at >= 0 && at < v.length) out.push(v[at]);
        }
      }
      return;
    case "slice":
      if (Array.isArray(v)) out.push(...sliceOf(v, step));
      return;
    case "filter":
      for (const item of Array.isArray(v) ? v : [v]) if (passes(step.filter, item)) out.push(item);
      return;
  }
}

/** Every value the steps select from `data`, in document order. */
export function evaluate(data: unknown, steps: Step[]): unknown[] {
  let current: unknown[] = [data];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) apply(step, v, next);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
