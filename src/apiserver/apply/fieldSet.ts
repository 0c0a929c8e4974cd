// Field sets in the FieldsV1 form that managedFields carry, used directly as
// the in-memory representation so that no conversion sits on the write path.
//
// A set is a tree keyed by path elements: `f:name` (a field or map key),
// `k:{"name":"nginx"}` (an associative list item, keyed by its sorted key
// fields), `v:"x"` (a set item) and `i:0` (a list index). A node is a member
// of the set when it has no children, or when it holds the `.` marker; a node
// with children and no marker is only on the way to its members. This is
// sigs.k8s.io/structured-merge-diff's fieldpath.Set, serialized.

export type FieldSet = { [element: string]: FieldSet };

export const SELF = ".";

/** Whether the node is itself in the set (not only its descendants). */
export function isMember(node: FieldSet): boolean {
  if (SELF in node) return true;
  for (const _ in node) return false;
  return true;
}

export function isEmptySet(set: FieldSet | undefined): boolean {
  if (!set) return true;
  for (const _ in set) return false;
  return true;
}

/** A node from its membership and children; undefined when it holds nothing. */
function node(member: boolean, children: FieldSet | undefined): FieldSet | undefined {
  if (!children || isEmptySet(children)) return member ? {} : undefined;
  if (member) return { [SELF]: {}, ...children };
  return children;
}

function childrenOf(set: FieldSet): FieldSet | undefined {
  let out: FieldSet | undefined;
  for (const k in set) {
    if (k === SELF) continue;
    out ??= {};
    out[k] = set[k];
  }
  return out;
}

/** The root's children are the set; the root itself is never a member. */
export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmptySet(a)) return b;
  if (isEmptySet(b)) return a;
  return unionChildren(a, b);
}

function unionChildren(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const k in a) if (k !== SELF) out[k] = k in b ? unionNode(a[k], b[k]) : a[k];
  for (const k in b) if (k !== SELF && !(k in a)) out[k] = b[k];
  return out;
}

function unionNode(a: FieldSet, b: FieldSet): FieldSet {
  return node(isMember(a) || isMember(b), unionChildren(a, b)) ?? {};
}

/** The members of `a` that are not members of `b`. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmptySet(a) || isEmptySet(b)) return a;
  return differenceChildren(a, b) ?? {};
}

function differenceChildren(a: FieldSet, b: FieldSet): FieldSet | undefined {
  let out: FieldSet | undefined;
  for (const k in a) {
    if (k === SELF) continue;
    const bk = b[k];
    let d: FieldSet | undefined;
    if (bk === undefined) d = a[k];
    else {
      const ak = a[k];
      d = node(isMember(ak) && !isMember(bk), isEmptySet(bk) ? childrenOf(ak) : differenceChildren(ak, bk));
    }
    if (!d) continue;
    out ??= {};
    out[k] = d;
  }
  return out;
}

/** The members in both. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmptySet(a) || isEmptySet(b)) return {};
  return intersectionChildren(a, b) ?? {};
}

function intersectionChildren(a: FieldSet, b: FieldSet): FieldSet | undefined {
  let out: FieldSet | undefined;
  for (const k in a) {
    if (k === SELF || !(k in b)) continue;
    const ak = a[k];
    const bk = b[k];
    const d = node(isMember(ak) && isMember(bk), intersectionChildren(ak, bk));
    if (!d) continue;
    out ??= {};
    out[k] = d;
  }
  return out;
}

export function equalSets(a: FieldSet, b: FieldSet): boolean {
  let n = 0;
  for (const k in a) {
    n++;
    const bk = b[k];
    if (bk === undefined || !equalSets(a[k], bk)) return false;
  }
  for (const _ in b) n--;
  return n === 0;
}

/** The set with keys in the order kube serializes them (`.` first, then by element); sorts children in place. */
export function sortSet(set: FieldSet): FieldSet {
  let prev: string | undefined;
  let sorted = true;
  for (const k in set) {
    const child = set[k];
    const s = sortSet(child);
    if (s !== child) set[k] = s;
    if (prev !== undefined && compareElements(prev, k) > 0) sorted = false;
    prev = k;
  }
  if (sorted) return set;
  const out: FieldSet = {};
  for (const k of Object.keys(set).sort(compareElements)) out[k] = set[k];
  return out;
}

function compareElements(x: string, y: string): number {
  return x === SELF ? -1 : y === SELF ? 1 : x < y ? -1 : x > y ? 1 : 0;
}

/** Every member as a path in structured-merge-diff's text form: `.spec.containers[name="nginx"].image`. */
export function memberPaths(set: FieldSet, prefix = ""): string[] {
  const out: string[] = [];
  for (const k in set) {
    if (k === SELF) continue;
    const p = prefix + elementText(k);
    const child = set[k];
    if (isMember(child)) out.push(p);
    out.push(...memberPaths(child, p));
  }
  return out;
}

/** One path element as text: `.name`, `[name="x",port=80]`, `[="x"]`, `[0]`. */
export function elementText(el: string): string {
  const body = el.slice(2);
  switch (el[0]) {
    case "f":
      return `.${body}`;
    case "k": {
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(",")}]`;
    }
    case "v":
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

/** Whether `set` has a node (member or on the way to one) at the path. */
export function hasNode(set: FieldSet, path: string[]): boolean {
  let cur: FieldSet | undefined = set;
  for (const el of path) {
    cur = cur[el];
    if (!cur) return false;
  }
  return true;
}

/** Checks a client-sent fieldsV1 value: an object of objects, keyed by valid elements. */
export function isFieldSet(v: unknown): v is FieldSet {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  for (const [k, c] of Object.entries(v)) {
    if (k !== SELF && !/^[fkvi]:/.test(k)) return false;
    if (!isFieldSet(c)) return false;
  }
  return true;
}
