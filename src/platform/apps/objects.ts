// Create, replace, read, patch and delete one namespaced object of a member
// as the caller (callAs.ts), so the member's RBAC and validation decide.
// Writes pass dryRun=All through; a refused object comes back as the
// member's Status (fromMember keeps its field causes).
import { badRequest } from "../http/errors.ts";
import type { Member } from "../clusters/members.ts";
import { qs } from "../clusters/memberApi.ts";
import { type Answer, type Caller, callAs } from "./callAs.ts";
import { apiVersionOf, type ObjectKind, pathOf } from "./kinds.ts";

export type KObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; generateName?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** Where a call goes and as whom. */
export type Target = { m: Member; who: Caller; kind: ObjectKind; namespace: string };

export type WriteOptions = { dryRun?: string };

/** The patch types Kubernetes takes, by Content-Type. */
export const PATCH_TYPES = ["application/merge-patch+json", "application/strategic-merge-patch+json", "application/json-patch+json"] as const;

const DELETE_POLICIES = ["Foreground", "Background", "Orphan"] as const;
export type PropagationPolicy = (typeof DELETE_POLICIES)[number];

/**
 * The object as the member should get it: its namespace and (on replace) name
 * from the path when missing, and apiVersion and kind filled in when missing.
 * A CronJob's apiVersion is the one the member serves (a batch/v1 CronJob is
 * sent as batch/v1beta1 to a 1.20 member: their fields are the same but for
 * timeZone, which 1.20 does not know); anything else is left for the member
 * to judge.
 */
async function prepared(t: Target, obj: KObject, name?: string): Promise<KObject> {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw badRequest("the body must be one Kubernetes object");
  const metadata = { ...(obj.metadata ?? {}) };
  if (metadata.namespace === undefined) metadata.namespace = t.namespace;
  if (name !== undefined && metadata.name === undefined) metadata.name = name;
  const served = await apiVersionOf(t.m, t.kind);
  const apiVersion = t.kind.plural === "cronjobs" && obj.apiVersion?.startsWith("batch/") ? served : (obj.apiVersion ?? served);
  return { ...obj, apiVersion, kind: obj.kind ?? t.kind.kind, metadata };
}

const writeQuery = (o: WriteOptions) => qs({ dryRun: o.dryRun });

export async function createObject(t: Target, obj: KObject, o: WriteOptions = {}): Promise<Answer<KObject>> {
  const body = await prepared(t, obj);
  return callAs(t.m, t.who, { method: "POST", path: `${await pathOf(t.m, t.kind, t.namespace)}${writeQuery(o)}`, body });
}

export async function replaceObject(t: Target, name: string, obj: KObject, o: WriteOptions = {}): Promise<Answer<KObject>> {
  const body = await prepared(t, obj, name);
  return callAs(t.m, t.who, { method: "PUT", path: `${await pathOf(t.m, t.kind, t.namespace, name)}${writeQuery(o)}`, body });
}

export async function readObject(t: Target, name: string): Promise<KObject> {
  return (await callAs<KObject>(t.m, t.who, { path: await pathOf(t.m, t.kind, t.namespace, name) })).body;
}

/** A patch of the type its Content-Type names, passed through to the member. */
export async function patchObject(t: Target, name: string, patch: unknown, contentType: string, o: WriteOptions = {}): Promise<Answer<KObject>> {
  const path = `${await pathOf(t.m, t.kind, t.namespace, name)}${writeQuery(o)}`;
  return callAs(t.m, t.who, { method: "PATCH", path, body: patch, contentType });
}

/**
 * Deletes with the cascade chosen: Foreground (the object waits for its
 * dependents), Background (the garbage collector removes them after) or
 * Orphan (they stay, without their owner). Unset, Background, as kubectl
 * delete's default --cascade=background: the member's own default would
 * orphan a batch/v1 Job's pods (the Job strategy keeps OrphanDependents for
 * compatibility).
 */
export async function deleteObject(t: Target, name: string, policy: PropagationPolicy = "Background", o: WriteOptions = {}): Promise<Answer<unknown>> {
  const body = { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: policy };
  return callAs(t.m, t.who, { method: "DELETE", path: `${await pathOf(t.m, t.kind, t.namespace, name)}${writeQuery(o)}`, body });
}

/** The object as GET /{kind}/{name} shows it: without managedFields, with the cluster it lives in. */
export function objectView(cluster: string, obj: KObject): KObject {
  const metadata = { ...(obj.metadata ?? {}) };
  delete metadata.managedFields;
  return { ...obj, metadata, cluster };
}

export { DELETE_POLICIES };
