// Request body decoding and response media type negotiation.
import { parse as parseYaml } from "yaml";
import { decodeProtobufObject } from "../protobuf/decode.ts";
import { ApiError, badRequest } from "../registry/errors.ts";

export type MediaType = { type: string; params: Record<string, string> };

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [{ type: "*/*", params: {} }];
  return header.split(",").map((part) => {
    const [type, ...ps] = part.split(";").map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf("=");
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim().replace(/^"|"$/g, "");
    }
    return { type: type.toLowerCase(), params };
  });
}

export type Rendering =
  | { as: "object"; format: "json" | "yaml" }
  | { as: "Table"; version: string }
  | { as: "PartialObjectMetadata"; list: boolean; version: string };

/**
 * What the client accepts for an object or list response, in its order of
 * preference. Protobuf is not served, so it is skipped like kube-apiserver
 * skips a type it cannot produce.
 */
export function negotiate(accept: string | undefined): Rendering {
  for (const m of parseMediaTypes(accept)) {
    const json = m.type === "application/json" || m.type === "*/*" || m.type === "application/*";
    if (m.params.as) {
      if (!json || m.params.g !== "meta.k8s.io") continue;
      if (m.params.as === "Table") return { as: "Table", version: m.params.v ?? "v1" };
      if (m.params.as === "PartialObjectMetadata" || m.params.as === "PartialObjectMetadataList") {
        return { as: "PartialObjectMetadata", list: m.params.as.endsWith("List"), version: m.params.v ?? "v1" };
      }
      continue;
    }
    if (json) return { as: "object", format: "json" };
    if (m.type === "application/yaml") return { as: "object", format: "yaml" };
  }
  throw new ApiError(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml");
}

export type BodyKind =
  | "json"
  | "yaml"
  | "protobuf"
  | "merge-patch"
  | "strategic-merge-patch"
  | "json-patch"
  | "apply-patch";

const BODY_TYPES: Record<string, BodyKind> = {
  "application/json": "json",
  "application/yaml": "yaml",
  "application/vnd.kubernetes.protobuf": "protobuf",
  "application/merge-patch+json": "merge-patch",
  "application/strategic-merge-patch+json": "strategic-merge-patch",
  "application/json-patch+json": "json-patch",
  "application/apply-patch+yaml": "apply-patch",
};

export function bodyKind(contentType: string | undefined): BodyKind {
  const t = (contentType ?? "").split(";")[0].trim().toLowerCase();
  // No Content-Type means the first supported type, JSON, as in kube's
  // NegotiateInputSerializer (client-go's scale client sends none).
  if (t === "") return "json";
  const k = BODY_TYPES[t];
  if (!k) {
    throw new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  return k;
}

/** Decodes a body as JSON, YAML for the YAML media types, or a kube protobuf object. */
export function decodeBody(buf: Buffer, kind: BodyKind): unknown {
  if (kind === "protobuf") return decodeProtobufObject(buf);
  const text = buf.toString("utf8");
  if (kind === "yaml" || kind === "apply-patch") {
    try {
      return parseYaml(text, { version: "1.2", uniqueKeys: true, maxAliasCount: 100 });
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: yaml: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`json parse error: ${(e as Error).message}`);
  }
}

export function decodeObject(buf: Buffer, kind: BodyKind): Record<string, any> {
  const v = decodeBody(buf, kind);
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw badRequest("Object 'Kind' is missing in the request body: it is not a JSON object");
  }
  return v as Record<string, any>;
}
