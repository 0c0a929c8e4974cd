// The notation of the protobuf field tables in ./fields/, and their lookup.
//
// A message is a list of strings of space-separated fields, each written
//   <number>:<json name>:<type>[:<flags>]
// where <type> is
//   s string, b bool, i32 int32, i64 int64, y bytes, f64 double,
//   @Time @MicroTime @Duration @Quantity @IntOrString @RawExtension @FieldsV1
//     (apimachinery types with their own JSON form),
//   @StringList (a Go `[]string` type sent as a message of repeated field 1,
//     such as authentication/v1 ExtraValue),
//   Name (a message of the same package) or pkg/version.Name (of another).
// and <flags> are
//   o  the Go field is `json:",omitempty"`
//   p  the Go field is a pointer
//   r  repeated (a Go slice)
//   m  map<string, type> (a Go map; entries are key = 1, value = 2)
//   i  embedded with `json:",inline"`: its fields join the parent (json name empty)
//
// gogo-protobuf writes every non-pointer scalar, even "" / 0 / false, and
// pointer, slice and map fields only when set; the o and p flags let the
// decoder give back the JSON that Go's encoding/json would print for the
// decoded struct (see decode.ts).
import { APPS_V1 } from "./fields/apps.ts";
import { AUTHENTICATION_V1 } from "./fields/authentication.ts";
import { AUTHORIZATION_V1 } from "./fields/authorization.ts";
import { AUTOSCALING_V1, AUTOSCALING_V2 } from "./fields/autoscaling.ts";
import { BATCH_V1 } from "./fields/batch.ts";
import { CERTIFICATES_V1 } from "./fields/certificates.ts";
import { COORDINATION_V1 } from "./fields/coordination.ts";
import { CORE_V1 } from "./fields/core.ts";
import { EVENTS_V1 } from "./fields/events.ts";
import { META_V1 } from "./fields/meta.ts";
import { NETWORKING_V1 } from "./fields/networking.ts";
import { POLICY_V1 } from "./fields/policy.ts";
import { RBAC_V1 } from "./fields/rbac.ts";
import { SCHEDULING_V1 } from "./fields/scheduling.ts";

export type PackageTable = {
  /** Package id used in cross-package references, e.g. "core/v1". */
  id: string;
  /** The apiVersion objects of this package carry, e.g. "apps/v1" or "v1". */
  apiVersion: string;
  /** Kinds that may be the top-level object of a request body. */
  kinds: string[];
  messages: Record<string, string[]>;
};

export const SCALARS = ["s", "b", "i32", "i64", "y", "f64"] as const;
export type Scalar = (typeof SCALARS)[number];

export type Field = {
  num: number;
  json: string;
  /** A scalar code, an "@" special, or a full message id "pkg/version.Name". */
  type: string;
  omitEmpty: boolean;
  pointer: boolean;
  repeated: boolean;
  map: boolean;
  inline: boolean;
};

export type Message = { id: string; fields: Field[]; byNumber: Map<number, Field> };

const PACKAGES: PackageTable[] = [
  META_V1,
  CORE_V1,
  APPS_V1,
  BATCH_V1,
  AUTOSCALING_V1,
  AUTOSCALING_V2,
  POLICY_V1,
  RBAC_V1,
  NETWORKING_V1,
  COORDINATION_V1,
  EVENTS_V1,
  AUTHENTICATION_V1,
  AUTHORIZATION_V1,
  SCHEDULING_V1,
  CERTIFICATES_V1,
];

const byId = new Map(PACKAGES.map((p) => [p.id, p]));
const byApiVersion = new Map(PACKAGES.map((p) => [p.apiVersion, p]));
const compiled = new Map<string, Message>();

export function isScalar(type: string): type is Scalar {
  return (SCALARS as readonly string[]).includes(type);
}

function parseField(pkg: string, token: string): Field {
  const [num, json, type, flags = ""] = token.split(":");
  const full = isScalar(type) || type.startsWith("@") || type.includes(".") ? type : `${pkg}.${type}`;
  return {
    num: Number(num),
    json,
    type: full,
    omitEmpty: flags.includes("o"),
    pointer: flags.includes("p"),
    repeated: flags.includes("r"),
    map: flags.includes("m"),
    inline: flags.includes("i"),
  };
}

/** The compiled message for a full id such as "core/v1.PodSpec"; undefined if the tables lack it. */
export function message(id: string): Message | undefined {
  const hit = compiled.get(id);
  if (hit) return hit;
  const dot = id.lastIndexOf(".");
  const pkg = byId.get(id.slice(0, dot));
  const spec = pkg?.messages[id.slice(dot + 1)];
  if (!pkg || !spec) return undefined;
  const fields = spec.flatMap((chunk) => chunk.split(" ").map((t) => parseField(pkg.id, t)));
  const m: Message = { id, fields, byNumber: new Map(fields.map((f) => [f.num, f])) };
  compiled.set(id, m);
  return m;
}

/**
 * The message id for a top-level object of this apiVersion and kind.
 * DeleteOptions is registered in every group version, as in kube.
 */
export function rootMessage(apiVersion: string, kind: string): string | undefined {
  if (kind === "DeleteOptions") return "meta/v1.DeleteOptions";
  const pkg = byApiVersion.get(apiVersion);
  return pkg?.kinds.includes(kind) ? `${pkg.id}.${kind}` : undefined;
}

/** Every package table; for tests that check the tables are closed. */
export function packages(): readonly PackageTable[] {
  return PACKAGES;
}
