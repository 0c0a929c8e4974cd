// The meta.k8s.io/v1 Table pieces this package produces, and the shape of one
// printer: a fixed list of columns plus a function from object to cells.
import type { KObject } from "../registry/types.ts";

export type ColumnDefinition = {
  name: string;
  /** OpenAPI type: "string", "integer", "number", "boolean", "date". */
  type: string;
  format: string;
  description: string;
  /** 0 for the default view; kubectl shows priority > 0 only with -o wide. */
  priority: number;
};

export type TableRowCondition = { type: string; status: string; reason?: string; message?: string };

export type TableRow = {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
};

export type IncludeObject = "None" | "Metadata" | "Object";

export type PrintOptions = {
  now: Date;
  includeObject: IncludeObject;
  /** TableOptions.noHeaders: leave columnDefinitions empty (watch events after the first). */
  noHeaders?: boolean;
};

/** What a row function gets besides the object: the clock, as epoch milliseconds. */
export type PrintContext = { now: number };

export type Printer = {
  columns: ColumnDefinition[];
  /** Cells for every column, wide ones included: kube-apiserver always prints wide. */
  cells(obj: KObject, ctx: PrintContext): unknown[];
  /** Row conditions (pods mark Succeeded and Failed rows as Completed). */
  conditions?(obj: KObject): TableRowCondition[] | undefined;
};

/** Builds a column definition; `format` and `priority` default as in Go's zero values. */
export function col(
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = "",
): ColumnDefinition {
  return { name, type, format, description, priority };
}
