// Serves the OpenAPI documents, rebuilt lazily whenever the set of resources
// changes (a CRD added, changed or removed).
import type { OpenApiDocs } from "./http/openapiV2.ts";
import { buildOpenAPI } from "./openapi/index.ts";
import type { ResourceRegistry } from "./registry/resources.ts";

export function openApiCache(registry: ResourceRegistry): OpenApiDocs {
  let builtAt = -1;
  let docs: ReturnType<typeof buildOpenAPI> | undefined;
  const current = () => {
    if (!docs || builtAt !== registry.version()) {
      docs = buildOpenAPI(registry.all());
      builtAt = registry.version();
    }
    return docs;
  };
  return {
    v2: () => current().v2(),
    v2Hash: () => current().v2Hash(),
    v2Protobuf: () => current().v2Protobuf(),
    v3Root: () => current().rootV3(),
    v3GroupVersion: (path) => current().groupVersionV3(path),
  };
}
