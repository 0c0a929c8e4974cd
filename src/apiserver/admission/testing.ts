// Test helpers shared by the admission tests.
import { builtinResources } from "../registry/builtin.ts";
import type { FieldError, ResourceInfo } from "../registry/types.ts";

export function infoFor(kind: string, group = "", version?: string): ResourceInfo {
  const info = builtinResources.find(
    (r) => r.kind === kind && r.group === group && (!version || r.version === version),
  );
  if (!info) throw new Error(`no built-in ${group}/${kind}`);
  return info;
}

/** Errors as "field: message" lines, the way kubectl prints them. */
export function lines(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.message}`);
}

export function pod(extra: Record<string, any> = {}): Record<string, any> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default" },
    spec: { containers: [{ name: "web", image: "nginx:1.27" }], ...extra },
  };
}

export function deployment(labels: Record<string, string> = { app: "web" }): Record<string, any> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels }, spec: { containers: [{ name: "web", image: "nginx" }] } },
    },
  };
}
