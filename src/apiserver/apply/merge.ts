// Merging an applied configuration into the live object, and removing the
// fields an applier stopped setting. Both follow the shape: granular maps
// merge key by key, associative lists and sets item by item, everything else
// is replaced whole. Neither mutates its inputs: untouched subtrees are shared.
import { type FieldSet, isMember, SELF } from "./fieldSet.ts";
import { fieldShape, type Shape } from "./shape.ts";
import { listElements } from "./walk.ts";

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function granular(shape: Shape): boolean {
  return shape.k === "struct" || shape.k === "map" || shape.k === "deduced";
}

/** `live` with `config` merged in. A null in the configuration removes the field. */
export function mergeValue(live: unknown, config: unknown, shape: Shape): unknown {
  if (isObject(live) && isObject(config) && granular(shape)) {
    const out: Record<string, unknown> = { ...live };
    for (const key in config) {
      const v = config[key];
      if (v === undefined) continue;
      if (v === null) {
        delete out[key];
        continue;
      }
      out[key] = key in live ? mergeValue(live[key], v, fieldShape(shape, key)) : v;
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const le = listElements(shape, live);
    const ce = le && listElements(shape, config);
    if (!le || !ce) return config;
    // Live items keep their order (merged with the configuration's); new items follow in the configuration's order.
    const byEl = new Map<string, unknown>();
    for (let i = 0; i < config.length; i++) byEl.set(ce[i], config[i]);
    const itemShape = shape.k === "list" ? shape.items : shape;
    const out: unknown[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < live.length; i++) {
      const c = byEl.get(le[i]);
      seen.add(le[i]);
      out.push(c === undefined ? live[i] : shape.k === "list" ? mergeValue(live[i], c, itemShape) : c);
    }
    for (let i = 0; i < config.length; i++) if (!seen.has(ce[i])) out.push(config[i]);
    return out;
  }
  return config;
}

/**
 * Removes from `value` the members of `remove`, except where `keep` (the
 * fields other managers own, and the new applied set) has anything at or
 * below them: then only the unkept members below are removed.
 */
export function removeFields(value: unknown, remove: FieldSet, keep: FieldSet | undefined, shape: Shape): unknown {
  if (isObject(value) && granular(shape)) {
    let out: Record<string, unknown> | undefined;
    for (const el in remove) {
      if (el === SELF || !el.startsWith("f:")) continue;
      const key = el.slice(2);
      if (!(key in value)) continue;
      const next = removeChild(value[key], remove[el], keep?.[el], fieldShape(shape, key));
      if (next === value[key]) continue;
      out ??= { ...value };
      if (next === undefined) delete out[key];
      else out[key] = next;
    }
    return out ?? value;
  }
  if (Array.isArray(value)) {
    const els = listElements(shape, value);
    if (!els) return value;
    const itemShape = shape.k === "list" ? shape.items : shape;
    let changed = false;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const rm = remove[els[i]];
      const next = rm ? removeChild(value[i], rm, keep?.[els[i]], itemShape) : value[i];
      if (next !== value[i]) changed = true;
      if (next !== undefined) out.push(next);
    }
    return changed ? out : value;
  }
  return value;
}

/** The child after removal: undefined when it goes entirely. */
function removeChild(value: unknown, remove: FieldSet, keep: FieldSet | undefined, shape: Shape): unknown {
  if (keep === undefined && isMember(remove)) return undefined;
  const next = removeFields(value, remove, keep, shape);
  // A map emptied by the removal goes too, as Go's omitempty would drop it.
  if (next !== value && isObject(next) && isObject(value) && Object.keys(next).length === 0) return keep ? next : undefined;
  return next;
}
