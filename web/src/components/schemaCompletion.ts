// Completion from the member's schema of the document's kind (GET
// /clusters/{cluster}/schemas): the property names valid at the cursor's
// YAML path, with their type and the first sentence of their description,
// and after a key the values of its enum (or true/false for a boolean).
// The schema is fetched on the first completion a document asks for, once
// per cluster and kind for the page's life.
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from "@codemirror/autocomplete";
import { get } from "../api/client.ts";
import { documentKind, placeAt } from "./yamlPath.ts";

export type Schema = {
  type?: string;
  format?: string;
  description?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-int-or-string"?: boolean;
};

type KindSchema = { schema: Schema };

const schemas = new Map<string, Promise<Schema | undefined>>();

/** The schema of apiVersion/kind in `cluster`, fetched once; undefined when the member has none (a failure is asked again next time). */
function schemaOf(cluster: string, apiVersion: string, kind: string): Promise<Schema | undefined> {
  const key = `${cluster}\0${apiVersion}\0${kind}`;
  let p = schemas.get(key);
  if (!p) {
    const slash = apiVersion.lastIndexOf("/");
    const query = { group: slash < 0 ? "" : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind };
    p = get<KindSchema>(`/clusters/${encodeURIComponent(cluster)}/schemas`, query).then(
      (r) => r.schema,
      (e) => {
        // A 404 (no such kind) is kept as "none"; anything else is tried again.
        if ((e as { code?: number })?.code !== 404) schemas.delete(key);
        return undefined;
      },
    );
    schemas.set(key, p);
  }
  return p;
}

/** The schema at `path` below `s` ("[]" steps into an array's items; a map's values are its additionalProperties). */
export function schemaAt(s: Schema | undefined, path: string[]): Schema | undefined {
  let cur = s;
  for (const step of path) {
    if (!cur) return undefined;
    if (step === "[]") cur = cur.items;
    else cur = cur.properties?.[step] ?? (typeof cur.additionalProperties === "object" ? cur.additionalProperties : undefined);
  }
  return cur;
}

/**
 * The first sentence of a description: up to a period followed by the end
 * or by a space and a capital, not one of an abbreviation (Kubernetes
 * descriptions say "e.g." and "i.e." mid-sentence).
 */
export function firstSentence(text = ""): string {
  const flat = text.replace(/\s+/g, " ").trim();
  for (const m of flat.matchAll(/\.(?= [A-Z]|$)/g)) {
    const upTo = flat.slice(0, m.index + 1);
    if (!/\b(e\.g|i\.e|etc|vs)\.$/i.test(upTo)) return upTo;
  }
  return flat;
}

/** How a property's type reads in the list: integer, string, []Container, map[string]string, int-or-string. */
export function typeLabel(s: Schema): string {
  if (s["x-kubernetes-int-or-string"]) return "int-or-string";
  if (s.type === "array") return `[]${s.items ? typeLabel(s.items) : ""}`;
  if (s.type === "object" && !s.properties && typeof s.additionalProperties === "object") return `map[string]${typeLabel(s.additionalProperties)}`;
  return s.type ?? "";
}

/** The text a property's completion inserts after its name: a new indented block for objects and arrays of objects. */
function keyInsert(name: string, s: Schema, indent: string): string {
  // Sequences in kubectl's compact style: "- " in the key's column.
  if (s.type === "array") return `${name}:\n${indent}- `;
  if (s.type === "object" || s.properties) return `${name}:\n${indent}  `;
  return `${name}: `;
}

function keyOptions(s: Schema, siblings: string[], indent: string): Completion[] {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    label: name,
    type: "property",
    detail: `${typeLabel(p)}${required.has(name) ? " (required)" : ""}`,
    info: firstSentence(p.description) || undefined,
    apply: keyInsert(name, p, indent),
    // Keys not yet in the mapping first, required ones before the others.
    boost: (siblings.includes(name) ? -10 : 0) + (required.has(name) ? 1 : 0),
  }));
}

function valueOptions(s: Schema): Completion[] {
  const values = s.enum ?? (s.type === "boolean" ? [true, false] : []);
  // In the schema's order (the list would sort them by name).
  return values.slice(0, 99).map((v, i) => ({ label: String(v), type: "enum", boost: 99 - i }));
}

/** The completion source for documents in `cluster`; none for a document without apiVersion and kind. */
export function schemaCompletion(cluster: string): CompletionSource {
  return async (ctx: CompletionContext): Promise<CompletionResult | null> => {
    const doc = ctx.state.doc.toString();
    const place = placeAt(doc, ctx.pos);
    // Typing opens the list only once a word has begun; Ctrl-Space opens it anywhere.
    if (!place || (!place.prefix && !ctx.explicit)) return null;
    const { apiVersion, kind } = documentKind(doc, ctx.pos);
    if (!apiVersion || !kind) return null;
    const root = await schemaOf(cluster, apiVersion, kind);
    if (ctx.aborted) return null;
    if (place.kind === "key") {
      const at = schemaAt(root, place.path);
      if (!at?.properties) return null;
      const line = ctx.state.doc.lineAt(ctx.pos);
      const indent = " ".repeat(place.from - line.from);
      return { from: place.from, options: keyOptions(at, place.siblings, indent), validFor: /^[\w./-]*$/ };
    }
    const at = schemaAt(root, [...place.path, place.key]);
    const options = at ? valueOptions(at) : [];
    return options.length ? { from: place.from, options, validFor: /^[\w./-]*$/ } : null;
  };
}
