// The one error type of the console: the REST API's error body
// {"code","reason","message","cluster"?}, plus Retry-After when rate limited.
// Network failures become code 0, reason "NetworkError". A member's 422
// carries its field-by-field causes (details.causes), for forms and editors.
export type Cause = { field?: string; reason?: string; message?: string };
export type ErrorBody = { code: number; reason: string; message: string; cluster?: string; details?: { causes?: Cause[] } };

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly cluster?: string;
  readonly causes: Cause[];
  /** Seconds to wait, from a 429's Retry-After header. */
  readonly retryAfter?: number;

  constructor(body: ErrorBody, retryAfter?: number) {
    super(body.message);
    this.name = "ApiError";
    this.code = body.code;
    this.reason = body.reason;
    this.cluster = body.cluster;
    this.causes = body.details?.causes ?? [];
    this.retryAfter = retryAfter;
  }

  /** The error of a failed response, from its JSON body when it has one. */
  static async fromResponse(res: Response): Promise<ApiError> {
    const retry = Number(res.headers.get("retry-after"));
    const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
    let body: Partial<ErrorBody> = {};
    try {
      body = (await res.json()) as Partial<ErrorBody>;
    } catch {
      // Not JSON (a proxy's HTML page, an empty body): keep the status line.
    }
    return new ApiError(
      {
        code: typeof body.code === "number" ? body.code : res.status,
        reason: body.reason ?? (res.statusText || "Error"),
        message: body.message ?? `${res.status} ${res.statusText}`.trim(),
        cluster: body.cluster,
        details: body.details,
      },
      retryAfter,
    );
  }

  static network(e: unknown): ApiError {
    return new ApiError({ code: 0, reason: "NetworkError", message: (e as Error)?.message ?? String(e) });
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
