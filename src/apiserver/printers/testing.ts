// Test helpers: the built-in ResourceInfo for a resource, a fixed clock, and
// a lookup of a row's cell by column name.
import { builtinResources } from "../registry/builtin.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { printTable } from "./index.ts";

export const NOW = new Date("2025-01-01T12:00:00Z");

/** An RFC 3339 time `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}

export function info(group: string, resource: string, version?: string): ResourceInfo {
  const found = builtinResources.find(
    (r) => r.group === group && r.resource === resource && (version === undefined || r.version === version),
  );
  if (!found) throw new Error(`no built-in ${group}/${resource}`);
  return found;
}

/** Prints one object and returns its cells keyed by column name. */
export function row(ri: ResourceInfo, obj: KObject): Record<string, unknown> {
  const t = printTable(ri, [obj], { now: NOW, includeObject: "None" });
  return Object.fromEntries(t.columnDefinitions.map((c, i) => [c.name, t.rows[0].cells[i]]));
}

export function columnNames(ri: ResourceInfo, wide = false): string[] {
  const t = printTable(ri, [], { now: NOW, includeObject: "None" });
  return t.columnDefinitions.filter((c) => wide || c.priority === 0).map((c) => c.name);
}
