// Tables for custom resources (apiextensions-apiserver's tableconvertor) and
// for kinds with no printer (apiserver's default table convertor).
import type { KObject, PrinterColumn } from "../registry/types.ts";
import { NAME, nameOf } from "./common.ts";
import { desc } from "./descriptions.ts";
import { humanDuration, parseTime } from "./duration.ts";
import { compile, evaluate, type Step } from "./jsonpath.ts";
import { col, type PrintContext, type Printer } from "./types.ts";

/** rest.NewDefaultTableConvertor: Name and Created At (RFC 3339, UTC, whole seconds). */
export const defaultPrinter: Printer = {
  columns: [NAME, col("Created At", "date", desc["ObjectMeta.creationTimestamp"])],
  cells: (obj) => [nameOf(obj), createdAt(obj.metadata?.creationTimestamp)],
};

function createdAt(value: unknown): string {
  const t = parseTime(value);
  if (t === undefined) return "0001-01-01T00:00:00Z";
  return `${new Date(t).toISOString().slice(0, 19)}Z`;
}

/** What the CRD handler serves when a version declares no additionalPrinterColumns. */
const AGE_COLUMN: PrinterColumn = {
  name: "Age",
  type: "date",
  description: desc["ObjectMeta.creationTimestamp"],
  jsonPath: ".metadata.creationTimestamp",
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A "date" cell: the age, "<unknown>" for an empty time, "<invalid>" when unparsable. */
function dateCell(value: string, now: number): string {
  if (value === "" || value === "null") return "<unknown>";
  if (!RFC3339.test(value)) return "<invalid>";
  const t = parseTime(value);
  return t === undefined ? "<unknown>" : humanDuration(now - t);
}

/**
 * A JSON number as client-go prints it: integers decode to int64 and print in
 * decimal; other numbers are float64 under %v, which switches to exponent form
 * below 1e-4 and from 1e6 (e.g. 1.5e+06).
 */
function goNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return String(v);
  const [mantissa, exp] = v.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return String(v);
}

/** encoding/json's output: sorted object keys, <, > and & escaped. */
function goJSON(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x && typeof x === "object") {
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .map((k) => [k, sorted((x as Record<string, unknown>)[k])]),
      );
    }
    return x;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** How client-go's jsonpath prints one value into a "string" column. */
function textOf(v: unknown): string {
  if (v === null || v === undefined) return "<no value>";
  if (typeof v === "object") return goJSON(v);
  if (typeof v === "number") return goNumber(v);
  return String(v);
}

/** cellForJSONValue: a typed cell, or null when the value does not fit the column type. */
function typedCell(type: string, v: unknown, now: number): unknown {
  if (type === "string") return textOf(v);
  if (v === null || v === undefined) return null;
  switch (type) {
    case "integer":
      return typeof v === "number" ? Math.trunc(v) : null;
    case "number":
      return typeof v === "number" ? v : null;
    case "boolean":
      return typeof v === "boolean" ? v : null;
    case "date":
      return typeof v === "string" ? dateCell(v, now) : null;
  }
  return null;
}

type Compiled = { column: PrinterColumn; steps: Step[] };

/** Compiles the columns in order; like kube, an unparsable path drops it and every column after it. */
function compileColumns(columns: PrinterColumn[]): Compiled[] {
  const out: Compiled[] = [];
  for (const column of columns) {
    try {
      out.push({ column, steps: compile(column.jsonPath) });
    } catch {
      break;
    }
  }
  return out;
}

/** The printer for one CRD version's additionalPrinterColumns (Name, Age when none are declared). */
export function customResourcePrinter(printerColumns: PrinterColumn[]): Printer {
  const compiled = compileColumns(printerColumns.length > 0 ? printerColumns : [AGE_COLUMN]);
  const columns = [
    NAME,
    ...compiled.map(({ column: c }) =>
      col(
        c.name,
        c.type,
        c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        c.priority ?? 0,
        c.format ?? "",
      ),
    ),
  ];
  return {
    columns,
    cells(obj: KObject, ctx: PrintContext) {
      const cells: unknown[] = [nameOf(obj)];
      for (const { column, steps } of compiled) {
        const found = evaluate(obj, steps);
        cells.push(found.length === 0 ? null : typedCell(column.type, found[0], ctx.now));
      }
      return cells;
    },
  };
}
