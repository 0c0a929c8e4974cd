// Pieces every printer repeats: the NAME and AGE columns and their cells.
import type { KObject } from "../registry/types.ts";
import { desc } from "./descriptions.ts";
import { since } from "./duration.ts";
import { type ColumnDefinition, col, type PrintContext } from "./types.ts";

export const NAME: ColumnDefinition = col("Name", "string", desc["ObjectMeta.name"], 0, "name");
export const AGE: ColumnDefinition = col("Age", "string", desc["ObjectMeta.creationTimestamp"]);
export const CONTAINERS = col("Containers", "string", "Names of each container in the template.", 1);
export const IMAGES = col("Images", "string", "Images referenced by each container in the template.", 1);

export function nameOf(obj: KObject): string {
  return obj.metadata?.name ?? "";
}

export function ageOf(obj: KObject, ctx: PrintContext): string {
  return since(obj.metadata?.creationTimestamp, ctx.now);
}
