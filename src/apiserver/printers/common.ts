// Pieces every printer repeats: the NAME and AGE columns and their cells, and
// the columns that workloads with a pod template end with.
import type { KObject } from "../registry/types.ts";
import { desc } from "./descriptions.ts";
import { since } from "./duration.ts";
import { containerCells } from "./format.ts";
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

/**
 * The last columns of a workload that runs a pod template (deployments,
 * replicasets, daemonsets, jobs, cronjobs): Age, then the wide Containers,
 * Images and Selector; `selectorDescription` documents the Selector column.
 */
export function templateColumns(selectorDescription: string): ColumnDefinition[] {
  return [AGE, CONTAINERS, IMAGES, col("Selector", "string", selectorDescription, 1)];
}

/**
 * The cells of templateColumns: the object's age, the container names and
 * images of `podTemplate` (a PodTemplateSpec), and `selector` as the caller
 * prints it (not every kind formats an empty or invalid selector the same way).
 */
export function templateCells(
  obj: KObject,
  ctx: PrintContext,
  podTemplate: any,
  selector: string,
): unknown[] {
  return [ageOf(obj, ctx), ...containerCells(podTemplate?.spec?.containers), selector];
}
