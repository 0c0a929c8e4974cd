// The schema of one kind in a member, for the console's YAML completion:
// read from the member's OpenAPI as kpanda, its $refs resolved into one
// self-contained schema.
//  - /openapi/v3/api/v1 or /openapi/v3/apis/{group}/{version} first (served
//    from 1.24, GA in 1.27); on a 404 the whole /openapi/v2 as JSON (served
//    by every version kpanda takes, 1.20 and later);
//  - the definition is the one whose x-kubernetes-group-version-kind lists
//    the group, version and kind (in both documents it is a list: kube-openapi
//    puts every GVK a definition serves, e.g. DeleteOptions has dozens);
//  - $refs are followed (v2 puts a property's description beside its $ref,
//    v3 wraps the $ref in allOf with the description beside), a definition
//    already on the path is not opened again (JSONSchemaProps refers to
//    itself), and below MAX_DEPTH properties a schema keeps its type and
//    description only;
//  - what completion reads is kept: type, format, description, enum,
//    required, default, properties, items, additionalProperties and the
//    int-or-string and preserve-unknown-fields markers.
// Answers are cached per cluster, server version and kind (a member's
// built-in schemas change only with its version), and for a kind a CRD
// defines, per the CRD's resourceVersion too.
import type { Member } from "../clusters/members.ts";
import { getJson } from "../clusters/memberApi.ts";
import { PlatformError } from "../http/errors.ts";

export type Gvk = { group: string; version: string; kind: string };
export type Schema = { [key: string]: unknown };
export type KindSchema = Gvk & { source: "openapi/v3" | "openapi/v2"; kubernetesVersion: string; schema: Schema };

/** Properties deeper than this keep their type and description only (spec.template.spec.containers.ports.containerPort is 6 deep). */
export const MAX_DEPTH = 12;

const KEPT = ["type", "format", "description", "enum", "required", "default", "nullable", "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields"];
const REF = /^#\/(?:components\/schemas|definitions)\//;

/** The document path of a group version: the core group is api/v1, the others apis/{group}/{version}. */
export const v3Path = (g: Gvk) => (g.group ? `/openapi/v3/apis/${g.group}/${g.version}` : `/openapi/v3/api/${g.version}`);

/** The definition name that serves `g` in `defs`, or undefined. */
export function definitionOf(defs: Record<string, Schema>, g: Gvk): string | undefined {
  for (const [name, s] of Object.entries(defs)) {
    const gvks = s["x-kubernetes-group-version-kind"];
    const list = Array.isArray(gvks) ? gvks : gvks ? [gvks] : [];
    if (list.some((x: Gvk) => (x.group ?? "") === g.group && x.version === g.version && x.kind === g.kind)) return name;
  }
  return undefined;
}

/** `name` in `defs` with its $refs resolved (see the top of the file). */
export function resolveDefinition(defs: Record<string, Schema>, name: string, maxDepth = MAX_DEPTH): Schema {
  return resolve(defs, { $ref: `#/definitions/${name}` }, 0, new Set(), maxDepth);
}

/** The referenced definition's name of `s` ($ref, or allOf with one $ref), if any. */
function refOf(s: Schema): string | undefined {
  if (typeof s.$ref === "string") return s.$ref.replace(REF, "");
  const all = s.allOf;
  if (Array.isArray(all) && all.length === 1 && typeof all[0]?.$ref === "string") return all[0].$ref.replace(REF, "");
  return undefined;
}

function resolve(defs: Record<string, Schema>, s: Schema, depth: number, path: Set<string>, maxDepth: number): Schema {
  const ref = refOf(s);
  if (ref !== undefined) {
    const target = defs[ref] ?? {};
    const open = !path.has(ref);
    const inner = open ? resolve(defs, target, depth, new Set(path).add(ref), maxDepth) : pick(target);
    return s.description ? { ...inner, description: s.description } : inner;
  }
  const out = pick(s);
  if (isIntOrString(s)) {
    // One form for both documents: v2 says type string, v3 oneOf.
    out["x-kubernetes-int-or-string"] = true;
    delete out.type;
  }
  const deeper = depth < maxDepth;
  if (s.properties && typeof s.properties === "object" && deeper) {
    const props: Record<string, Schema> = {};
    for (const [k, v] of Object.entries(s.properties as Record<string, Schema>)) props[k] = resolve(defs, v, depth + 1, path, maxDepth);
    out.properties = props;
  }
  if (s.items && typeof s.items === "object" && !Array.isArray(s.items) && deeper) out.items = resolve(defs, s.items as Schema, depth, path, maxDepth);
  if (typeof s.additionalProperties === "boolean") out.additionalProperties = s.additionalProperties;
  else if (s.additionalProperties && typeof s.additionalProperties === "object" && deeper) {
    out.additionalProperties = resolve(defs, s.additionalProperties as Schema, depth + 1, path, maxDepth);
  }
  return out;
}

function pick(s: Schema): Schema {
  const out: Schema = {};
  for (const k of KEPT) if (s[k] !== undefined) out[k] = s[k];
  return out;
}

/** IntOrString: format int-or-string (v2), oneOf integer and string (v3), or the CRD marker. */
function isIntOrString(s: Schema): boolean {
  if (s.format === "int-or-string" || s["x-kubernetes-int-or-string"] === true) return true;
  const one = s.oneOf;
  return Array.isArray(one) && one.length === 2 && one.some((x) => x?.type === "integer") && one.some((x) => x?.type === "string");
}

type Doc = { components?: { schemas?: Record<string, Schema> }; definitions?: Record<string, Schema> };

const inFlight = new Map<string, Promise<Doc>>();

/** A GET of a member's document, shared by the requests that ask for it while it is under way (a whole /openapi/v2 is megabytes). */
function sharedGet(m: Member, path: string): Promise<Doc> {
  const key = `${m.name}\0${path}`;
  let p = inFlight.get(key);
  if (!p) {
    p = getJson<Doc>(m, path).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

/** The member's definitions for `g`: its v3 group-version document, or /openapi/v2 when that is 404. */
async function definitionsFor(m: Member, g: Gvk): Promise<{ defs: Record<string, Schema>; source: KindSchema["source"] }> {
  try {
    const doc = await sharedGet(m, v3Path(g));
    return { defs: doc?.components?.schemas ?? {}, source: "openapi/v3" };
  } catch (e) {
    // getJson's failures are PlatformErrors with the member's status (fromMember).
    if ((e as PlatformError).code !== 404) throw e;
  }
  const doc = await sharedGet(m, "/openapi/v2");
  return { defs: doc?.definitions ?? {}, source: "openapi/v2" };
}

/**
 * What a cached schema is valid for: the member's version and, for a kind a
 * CRD defines, that CRD's resourceVersion (its schema changes without a new
 * server version).
 */
export type SchemaKey = { kubernetesVersion: string; crdResourceVersion?: string };

/** Resolved schemas by cluster, SchemaKey and GVK; at most CACHE_SIZE, the oldest dropped first. */
const cache = new Map<string, Promise<KindSchema>>();
const CACHE_SIZE = 500;

/** The resolved schema of `g` in member `m` (cached); 404 when the member serves no such kind. */
export function kindSchema(m: Member, at: SchemaKey, g: Gvk): Promise<KindSchema> {
  const key = JSON.stringify([m.name, at.kubernetesVersion, at.crdResourceVersion ?? "", g.group, g.version, g.kind]);
  let p = cache.get(key);
  if (!p) {
    p = load(m, at.kubernetesVersion, g);
    cache.set(key, p);
    // A failure is not kept: the next request asks again.
    p.catch(() => cache.delete(key));
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

async function load(m: Member, kubernetesVersion: string, g: Gvk): Promise<KindSchema> {
  const { defs, source } = await definitionsFor(m, g);
  const name = definitionOf(defs, g);
  if (!name) {
    const gv = g.group ? `${g.group}/${g.version}` : g.version;
    throw new PlatformError(404, "NotFound", `kind ${g.kind} of ${gv} is not served by cluster "${m.name}"`, { cluster: m.name });
  }
  return { ...g, source, kubernetesVersion, schema: resolveDefinition(defs, name) };
}
