// Storage keys and continue tokens.
import { badRequest } from "./errors.ts";
import type { ResourceInfo } from "./types.ts";

/** "/<storagePrefix>/<namespace>/<name>" or "/<storagePrefix>/<name>". */
export function objectKey(info: ResourceInfo, namespace: string, name: string): string {
  return info.namespaced ? `/${info.storagePrefix}/${namespace}/${name}` : `/${info.storagePrefix}/${name}`;
}

/** The prefix a list or watch reads: one namespace, or all of them. */
export function listPrefix(info: ResourceInfo, namespace: string | undefined): string {
  return info.namespaced && namespace ? `/${info.storagePrefix}/${namespace}/` : `/${info.storagePrefix}/`;
}

type ContinueToken = { v: "meta.k8s.io/v1"; rv: number; start: string };

// The token carries the list's revision and the key to resume at, relative to
// the prefix (as apiserver's storage.EncodeContinue does), base64 encoded.
export function encodeContinue(prefix: string, lastKey: string, revision: number): string {
  const token: ContinueToken = { v: "meta.k8s.io/v1", rv: revision, start: `${lastKey.slice(prefix.length)}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

export function decodeContinue(prefix: string, token: string): { revision: number; startKey: string } {
  let t: ContinueToken;
  try {
    t = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data at input byte 0");
  }
  if (t?.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string") {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  if (t.start.includes("..") || t.start.startsWith("/")) throw badRequest("continue key is not valid: key path not allowed");
  return { revision: t.rv, startKey: prefix + t.start };
}
