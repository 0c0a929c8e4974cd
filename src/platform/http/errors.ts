// One error type for the REST API: a string reason, the HTTP status, the
// member cluster involved (if any) and a cause. The body is always
// {"code","reason","message","cluster"?}, plus "details": {"causes"} when a
// member refused an object field by field (a 422 Invalid), so a form can show
// each message by its field. A 5xx never echoes an internal message to the
// client; the cause goes to the log instead.
export class PlatformError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly cluster?: string;
  readonly headers?: Record<string, string>;
  readonly details?: ErrorDetails;

  constructor(
    code: number,
    reason: string,
    message: string,
    opts: { cluster?: string; cause?: unknown; headers?: Record<string, string>; details?: ErrorDetails } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.reason = reason;
    this.cluster = opts.cluster;
    this.headers = opts.headers;
    this.details = opts.details;
  }

  body(): ErrorBody {
    const message = this.code >= 500 && this.reason === "InternalError" ? "internal error" : this.message;
    return {
      code: this.code,
      reason: this.reason,
      message,
      ...(this.cluster ? { cluster: this.cluster } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** One refused field, as a Kubernetes Status's details.causes has it (field as the member names it, e.g. spec.replicas). */
export type Cause = { field?: string; reason?: string; message?: string };
export type ErrorDetails = { causes: Cause[] };

export type ErrorBody = { code: number; reason: string; message: string; cluster?: string; details?: ErrorDetails };

export const errorSchema = {
  type: "object",
  properties: {
    code: { type: "integer" },
    reason: { type: "string" },
    message: { type: "string" },
    cluster: { type: "string" },
    details: {
      type: "object",
      description: "a member's field-by-field refusal (Kubernetes Status details.causes)",
      properties: {
        causes: {
          type: "array",
          items: { type: "object", properties: { field: { type: "string" }, reason: { type: "string" }, message: { type: "string" } } },
        },
      },
    },
  },
  required: ["code", "reason", "message"],
} as const;

export const badRequest = (message: string, cluster?: string) => new PlatformError(400, "BadRequest", message, { cluster });
export const unauthorized = (message = "authentication required") => new PlatformError(401, "Unauthorized", message);
export const forbidden = (message: string, cluster?: string) => new PlatformError(403, "Forbidden", message, { cluster });
export const notFound = (what: string, name: string, cluster?: string) =>
  new PlatformError(404, "NotFound", `${what} "${name}" not found`, { cluster });
export const conflict = (message: string, cluster?: string) => new PlatformError(409, "Conflict", message, { cluster });

/**
 * A member cluster's answer as a PlatformError: a Kubernetes Status keeps its
 * code, reason and message (and its details.causes, when it has any); a
 * connection failure is 503 ServiceUnavailable.
 */
export function fromMember(cluster: string, e: unknown): PlatformError {
  if (e instanceof PlatformError) return e;
  const code = (e as { code?: unknown })?.code;
  const body = (e as { body?: unknown })?.body;
  if (typeof code === "number" && code >= 400) {
    const status = typeof body === "string" ? safeJson(body) : body;
    const reason = (status as { reason?: string })?.reason ?? "MemberError";
    const message = (status as { message?: string })?.message ?? `cluster ${cluster} answered ${code}`;
    return new PlatformError(code, reason, message, { cluster, cause: e, details: causesOf(status) });
  }
  const message = `cluster ${cluster} is unreachable: ${(e as Error)?.message ?? String(e)}`;
  return new PlatformError(503, "ServiceUnavailable", message, { cluster, cause: e });
}

function causesOf(status: unknown): ErrorDetails | undefined {
  const causes = (status as { details?: { causes?: unknown } })?.details?.causes;
  if (!Array.isArray(causes) || causes.length === 0) return undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { causes: causes.map((c) => ({ field: str(c?.field), reason: str(c?.reason), message: str(c?.message) })) };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
