// API errors as Kubernetes Status objects (k8s.io/apimachinery/pkg/api/errors).
// Messages follow kube-apiserver's wording, which clients and users match on.
import type { FieldError, ResourceInfo } from "./types.ts";

export type StatusDetails = {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
};

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    const s: Record<string, unknown> = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      // Omitted when empty, as Status.reason is (omitempty).
      ...(this.reason ? { reason: this.reason } : {}),
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** "pods" or "deployments.apps": how kube names a resource in messages. */
export function qualifiedResource(info: Pick<ResourceInfo, "group" | "resource">): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

export function notFound(info: Pick<ResourceInfo, "group" | "resource">, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedResource(info)} "${name}" not found`, {
    name,
    group: info.group || undefined,
    kind: info.resource,
  });
}

export function alreadyExists(info: ResourceInfo, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedResource(info)} "${name}" already exists`, {
    name,
    group: info.group || undefined,
    kind: info.resource,
  });
}

export function conflict(info: ResourceInfo, name: string, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`,
    { name, group: info.group || undefined, kind: info.resource },
  );
}

export const MODIFIED = "the object has been modified; please apply your changes to the latest version and try again";

export function invalid(info: ResourceInfo, name: string, errs: FieldError[]): ApiError {
  const qualifiedKind = info.group ? `${info.kind}.${info.group}` : info.kind;
  const parts = errs.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  return new ApiError(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group: info.group || undefined,
    kind: info.kind,
    causes: errs.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function forbidden(info: ResourceInfo, name: string, why: string): ApiError {
  const n = name ? ` "${name}"` : "";
  return new ApiError(403, "Forbidden", `${qualifiedResource(info)}${n} is forbidden: ${why}`, {
    name: name || undefined,
    group: info.group || undefined,
    kind: info.resource,
  });
}

export function gone(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

export function methodNotAllowed(message = "the server does not allow this method on the requested resource"): ApiError {
  return new ApiError(405, "MethodNotAllowed", message);
}

export function internalError(message = "an error on the server has prevented the request from succeeding"): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: ${message}`);
}

export function fieldError(reason: string, field: string, message: string): FieldError {
  return { reason, field, message };
}
