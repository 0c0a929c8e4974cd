// One error type for every patch failure, carrying the HTTP status that
// kube-apiserver answers for it (k8s.io/apiserver endpoints/handlers/patch.go):
//  - a patch body that does not decode, an SMP directive in a bad format
//    (retainKeys, setElementOrder, deleteFromPrimitiveList): 400 BadRequest
//    with the error text as message;
//  - a JSON Patch that decodes but fails to apply (failed `test`, missing
//    path, bad op), an SMP list of lists: 422 with reason Invalid and the
//    generic message "the server rejected our request due to an error in our
//    request" (NewGenericServerResponse drops the detail; we keep it in
//    `detail` for logs);
//  - more than 10000 JSON Patch operations: 413 RequestEntityTooLarge;
//  - any other SMP failure (missing merge key, unknown `$patch` value,
//    mismatched `$setElementOrder`): kube-apiserver returns the raw error, which
//    becomes 500 with an empty reason and the error text as message.

export type PatchErrorReason = "BadRequest" | "Invalid" | "RequestEntityTooLarge" | "";

/** What went wrong, independent of the HTTP mapping. */
export type PatchErrorKind =
  | "invalidDocument" // the patch body is not the JSON shape its patch type needs
  | "invalidOperation" // a JSON Patch op is malformed (bad op name, path syntax, missing value)
  | "testFailed" // a JSON Patch `test` op did not match
  | "badPath" // a JSON Patch path or `from` does not resolve in the document
  | "tooManyOperations"
  | "badDirective" // a malformed SMP directive
  | "cannotMerge"; // SMP data that cannot be merged (missing merge key, mixed list types)

const GENERIC_422 = "the server rejected our request due to an error in our request";

export class PatchError extends Error {
  readonly code: 400 | 413 | 422 | 500;
  readonly reason: PatchErrorReason;
  readonly kind: PatchErrorKind;
  /** The specific problem, also for 422 answers whose `message` is generic. */
  readonly detail: string;

  constructor(code: 400 | 413 | 422 | 500, kind: PatchErrorKind, detail: string) {
    super(code === 422 ? GENERIC_422 : detail);
    this.name = "PatchError";
    this.code = code;
    this.kind = kind;
    this.detail = detail;
    this.reason = code === 400 ? "BadRequest" : code === 413 ? "RequestEntityTooLarge" : code === 422 ? "Invalid" : "";
  }

  static badRequest(kind: PatchErrorKind, detail: string): PatchError {
    return new PatchError(400, kind, detail);
  }
  static invalid(kind: PatchErrorKind, detail: string): PatchError {
    return new PatchError(422, kind, detail);
  }
  static unprocessed(kind: PatchErrorKind, detail: string): PatchError {
    return new PatchError(500, kind, detail);
  }
}

/** Go's name for a decoded JSON value's type, as in `json: cannot unmarshal array into ...`. */
export function goJSONKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
