// Parses a request path into what it addresses (k8s.io/apiserver
// pkg/endpoints/request/requestinfo.go), without knowing which resources exist.

export type ResourcePath = {
  kind: "resource";
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** A legacy /watch/ path. */
  watchPath: boolean;
};

export type RequestTarget =
  | ResourcePath
  | { kind: "apis-root"; legacy: boolean }
  | { kind: "group"; group: string }
  | { kind: "group-version"; group: string; version: string }
  | { kind: "other"; path: string };

export function parsePath(path: string): RequestTarget {
  const parts = path.split("/").filter((p) => p !== "");
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === "api") {
    if (parts.length === 1) return { kind: "apis-root", legacy: true };
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length === 1) return { kind: "apis-root", legacy: false };
    group = parts[1];
    if (parts.length === 2) return { kind: "group", group };
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { kind: "other", path };
  }
  if (rest.length === 0) return { kind: "group-version", group, version };
  let watchPath = false;
  if (rest[0] === "watch") {
    watchPath = true;
    rest = rest.slice(1);
  }
  const decoded = rest.map(decodeURIComponent);
  if (decoded[0] === "namespaces" && decoded.length >= 2) {
    const ns = decoded[1];
    // /namespaces/{name} and /namespaces/{name}/{status|finalize} address the Namespace itself.
    if (decoded.length === 2) return { kind: "resource", group, version, resource: "namespaces", name: ns, watchPath };
    if (decoded.length === 3 && (decoded[2] === "status" || decoded[2] === "finalize") && group === "") {
      return { kind: "resource", group, version, resource: "namespaces", name: ns, subresource: decoded[2], watchPath };
    }
    return {
      kind: "resource",
      group,
      version,
      namespace: ns,
      resource: decoded[2],
      name: decoded[3],
      subresource: decoded.slice(4).join("/") || undefined,
      watchPath,
    };
  }
  return {
    kind: "resource",
    group,
    version,
    resource: decoded[0],
    name: decoded[1],
    subresource: decoded.slice(2).join("/") || undefined,
    watchPath,
  };
}
