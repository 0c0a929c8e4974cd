// What every store operation knows about its request.
import type { FieldError, KObject, ResourceInfo } from "./types.ts";

export type UserInfo = { name: string; uid?: string; groups: string[]; extra?: Record<string, string[]> };

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export type RequestContext = {
  user: UserInfo;
  dryRun: boolean;
  fieldValidation: FieldValidation;
  fieldManager?: string;
  /** Set by server-side apply: the object's managedFields are already computed, the store keeps them. */
  managedFieldsSet?: boolean;
  /** Warnings to return in `Warning: 299 - "..."` headers. */
  warnings: string[];
};

export const SYSTEM_USER: UserInfo = { name: "system:apiserver", groups: ["system:masters"] };

export function systemContext(): RequestContext {
  return { user: SYSTEM_USER, dryRun: false, fieldValidation: "Ignore", warnings: [] };
}

/**
 * Writes by the controllers that run inside kube-controller-manager in a real
 * cluster (garbage collector, namespace, service account, root CA publisher,
 * resource quota, ClusterRole aggregation): their managedFields name it, as
 * its client's User-Agent does there.
 */
export function controllerManagerContext(): RequestContext {
  return { ...systemContext(), fieldManager: "kube-controller-manager" };
}

export type Operation = "CREATE" | "UPDATE" | "DELETE";

/** What an admission step sees. `obj` is in the storage version and may be mutated by mutating steps. */
export type Attributes = {
  op: Operation;
  info: ResourceInfo;
  /** The resource as the client addressed it (its version may differ from info's storage version). */
  requestInfo: ResourceInfo;
  subresource?: string;
  namespace: string;
  name: string;
  obj: KObject;
  old?: KObject;
  ctx: RequestContext;
};

export type MutatingStep = (a: Attributes) => void;
export type ValidatingStep = (a: Attributes) => FieldError[] | undefined;

export type Admission = { mutating: MutatingStep[]; validating: ValidatingStep[] };
