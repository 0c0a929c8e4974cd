// The description of one served resource: everything discovery, the REST
// handlers, printers, defaulting and the OpenAPI document need to know about it.

/** A Kubernetes object as JSON. Fields are read defensively: input is untrusted. */
export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: any;
};

export type ObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: any;
};

export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

export type GroupVersionKind = { group: string; version: string; kind: string };

export type ResourceInfo = {
  /** "" for the core (legacy) group. */
  group: string;
  version: string;
  /** Plural, lower case: "deployments". */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresource names served under this resource: "status", "scale", "binding", "eviction", "log", "finalize". */
  subresources: string[];
  /**
   * Name of the schema type in the type graph (@kubernetes/client-node model
   * class name, e.g. "V1Pod"), for built-in kinds. Absent for custom resources.
   */
  modelType?: string;
  /** For custom resources: the CRD version's OpenAPI v3 schema and printer columns. */
  crd?: CustomResourceVersionInfo;
  /**
   * Where the same objects are also served at another group/version (e.g.
   * events in core/v1 and events.k8s.io/v1; autoscaling v1 and v2). Both
   * share one storage prefix.
   */
  storagePrefix: string;
};

export type CustomResourceVersionInfo = {
  crdName: string;
  schema?: JSONSchemaProps;
  printerColumns: PrinterColumn[];
  preserveUnknownFields: boolean;
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  storage: boolean;
};

export type PrinterColumn = {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
};

/** The subset of apiextensions JSONSchemaProps that the server reads. */
export type JSONSchemaProps = {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  [field: string]: unknown;
};

/** One field-level problem, rendered into a 422 Invalid Status's details.causes. */
export type FieldError = {
  /** "FieldValueRequired", "FieldValueInvalid", "FieldValueDuplicate", "FieldValueNotSupported", "FieldValueTooLong", "FieldValueForbidden" */
  reason: string;
  /** The field path in Kubernetes form: "spec.containers[0].name", "metadata.labels". */
  field: string;
  /** The message, already in Kubernetes form: `Required value`, `Invalid value: "x": must be ...`. */
  message: string;
};
