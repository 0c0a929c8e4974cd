// Public entry of the OpenAPI documents (see build.ts).
export { buildOpenAPI, type GroupVersionDocument, type OpenAPIDocuments } from "./build.ts";
