// Field sets computed from objects: the set an applied configuration names
// (structured-merge-diff's ToFieldSet) and the comparison of two versions of
// an object (its Compare: added, modified and removed fields).
import { type FieldSet, SELF } from "./fieldSet.ts";
import { fieldShape, type Shape } from "./shape.ts";

type ListShape = Extract<Shape, { k: "list" }>;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** The path element of an associative-list item: `k:{"name":"x"}`; undefined when it names no key. */
export function keyElement(shape: ListShape, item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  const keys = shape.keys.length > 1 ? [...shape.keys].sort() : shape.keys;
  const key: Record<string, unknown> = {};
  let any = false;
  for (const k of keys) {
    const v = item[k] ?? shape.defaults?.[k];
    if (v === undefined || v === null) continue;
    key[k] = v;
    any = true;
  }
  return any ? `k:${JSON.stringify(key)}` : undefined;
}

/** The path element of a set item: `v:"x"`; undefined for an item that is not a scalar. */
export function valueElement(item: unknown): string | undefined {
  return item !== null && typeof item === "object" ? undefined : `v:${JSON.stringify(item)}`;
}

/** The elements of a list's items, or undefined when the list cannot be keyed (then it is handled atomically). */
export function listElements(shape: Shape, list: unknown[]): string[] | undefined {
  if (shape.k !== "list" && shape.k !== "set") return undefined;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const el = shape.k === "list" ? keyElement(shape, item) : valueElement(item);
    if (el === undefined || seen.has(el)) return undefined;
    seen.add(el);
    out.push(el);
  }
  return out;
}

function withSelf(children: FieldSet): FieldSet {
  return hasKeys(children) ? { [SELF]: {}, ...children } : children;
}

/**
 * The fields an applied configuration sets. Scalars, atomic values, list
 * items, map entries and empty or null values are members; a declared struct
 * field is a member only through its children.
 */
export function configFieldSet(obj: unknown, shape: Shape): FieldSet {
  const out: FieldSet = {};
  fillConfig(out, obj, shape);
  return out;
}

/** Adds the children of `v`'s node to `out`; true when the node is a leaf (a member by itself). */
function fillConfig(out: FieldSet, v: unknown, shape: Shape): boolean {
  if (Array.isArray(v)) {
    const els = listElements(shape, v);
    if (!els) return true;
    const itemShape = shape.k === "list" ? shape.items : undefined;
    for (let i = 0; i < v.length; i++) {
      const child: FieldSet = {};
      if (itemShape) fillConfig(child, v[i], itemShape);
      out[els[i]] = withSelf(child);
    }
    return false;
  }
  if (!isObject(v) || shape.k === "scalar" || shape.k === "atomic" || shape.k === "list" || shape.k === "set") return true;
  for (const key in v) {
    const val = v[key];
    if (val === undefined) continue;
    const declared = shape.k === "struct" && shape.field(key) !== undefined;
    const child: FieldSet = {};
    const leaf = fillConfig(child, val, fieldShape(shape, key));
    const member = leaf || val === null || (isObject(val) && !hasKeys(val)) || !declared;
    if (member) out[`f:${key}`] = withSelf(child);
    else if (hasKeys(child)) out[`f:${key}`] = child;
  }
  return false;
}

/**
 * Every node of a value, as the comparison with a missing side sees it: maps
 * are marked themselves, lists and declared structs only through their
 * children (as kube records them: its old side is a Go struct in which such
 * fields already exist empty).
 */
export function wholeNode(v: unknown, shape: Shape): FieldSet {
  const children: FieldSet = {};
  const leaf = fillWhole(children, v, shape);
  if (leaf || !hasKeys(children)) return {};
  return isObject(v) && shape.k !== "struct" ? { [SELF]: {}, ...children } : children;
}

function fillWhole(out: FieldSet, v: unknown, shape: Shape): boolean {
  if (Array.isArray(v)) {
    const els = listElements(shape, v);
    if (!els) return true;
    const itemShape = shape.k === "list" ? shape.items : undefined;
    for (let i = 0; i < v.length; i++) {
      if (!itemShape) {
        out[els[i]] = {};
        continue;
      }
      const child: FieldSet = {};
      fillWhole(child, v[i], itemShape);
      out[els[i]] = withSelf(child);
    }
    return false;
  }
  if (!isObject(v) || shape.k === "scalar" || shape.k === "atomic" || shape.k === "list" || shape.k === "set") return true;
  for (const key in v) {
    const val = v[key];
    if (val !== undefined) out[`f:${key}`] = wholeNode(val, fieldShape(shape, key));
  }
  return false;
}

export type Comparison = { added: FieldSet; modified: FieldSet; removed: FieldSet };

/** What changed from `lhs` to `rhs` (either may be undefined: a create, or everything removed). */
export function compare(lhs: unknown, rhs: unknown, shape: Shape): Comparison {
  const c: Comparison = { added: {}, modified: {}, removed: {} };
  if (lhs === undefined) fillWhole(c.added, rhs, shape);
  else if (rhs === undefined) fillWhole(c.removed, lhs, shape);
  else compareChildren(lhs, rhs, shape, c);
  return c;
}

/** Compares the children of two values of one node; true when the node itself differs as a leaf. */
function compareChildren(l: unknown, r: unknown, shape: Shape, out: Comparison): boolean {
  if (Array.isArray(l) && Array.isArray(r)) {
    if (l.length === 0 && r.length === 0) return false;
    const le = listElements(shape, l);
    const re = le && listElements(shape, r);
    if (!le || !re) return !deepEqual(l, r);
    const itemShape = shape.k === "list" ? shape.items : SCALAR_SHAPE;
    const right = new Map<string, unknown>();
    for (let i = 0; i < r.length; i++) right.set(re[i], r[i]);
    const left = new Set(le);
    for (let i = 0; i < l.length; i++) compareChild(le[i], l[i], right.get(le[i]), itemShape, out, true);
    for (let i = 0; i < r.length; i++) if (!left.has(re[i])) compareChild(re[i], undefined, r[i], itemShape, out, true);
    return false;
  }
  if (isObject(l) && isObject(r) && shape.k !== "scalar" && shape.k !== "atomic" && shape.k !== "list" && shape.k !== "set") {
    for (const key in l) {
      if (l[key] !== undefined) compareChild(`f:${key}`, l[key], r[key], fieldShape(shape, key), out, false);
    }
    for (const key in r) {
      if (r[key] !== undefined && l[key] === undefined) compareChild(`f:${key}`, undefined, r[key], fieldShape(shape, key), out, false);
    }
    return false;
  }
  return !deepEqual(l, r);
}

const SCALAR_SHAPE: Shape = { k: "scalar" };

function compareChild(el: string, l: unknown, r: unknown, shape: Shape, out: Comparison, item: boolean): void {
  if (l === undefined) {
    out.added[el] = item ? memberNode(r, shape) : wholeNode(r, shape);
    return;
  }
  if (r === undefined) {
    out.removed[el] = item ? memberNode(l, shape) : wholeNode(l, shape);
    return;
  }
  const sub: Comparison = { added: {}, modified: {}, removed: {} };
  if (compareChildren(l, r, shape, sub)) {
    out.modified[el] = {};
    return;
  }
  if (hasKeys(sub.added)) out.added[el] = sub.added;
  if (hasKeys(sub.modified)) out.modified[el] = sub.modified;
  if (hasKeys(sub.removed)) out.removed[el] = sub.removed;
}

function memberNode(v: unknown, shape: Shape): FieldSet {
  const n = wholeNode(v, shape);
  return SELF in n ? n : withSelf(n);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    n++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) n--;
  return n === 0;
}
