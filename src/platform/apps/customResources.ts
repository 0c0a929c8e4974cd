// Custom resources of a member, as the caller (callAs.ts: the member's RBAC,
// admission and the CRD's structural schema decide): the objects of any
// CRD by group, version and resource, namespaced or cluster-scoped, and the
// CRDs themselves.
//
// Lists come from the member, not the cache (custom resources are not
// cached). A member lists by limit and continue, not by page, so a list is
// read whole in chunks of CHUNK (limit + continue, as kubectl's chunked
// lists do; at most MAX_ITEMS objects), filtered by name here (fuzzySearch)
// and cut into the list contract's page and pageSize; labelSelector and
// fieldSelector go to the member. Each item carries `columns`, the CRD's
// additionalPrinterColumns for the version evaluated on it as the member's
// Table would show them (apiextensions-apiserver's tableconvertor; the
// printer is our apiserver's, printers/crd.ts), an Age column when the
// version declares none.
import { customResourcePrinter } from "../../apiserver/printers/crd.ts";
import type { PrinterColumn } from "../../apiserver/registry/types.ts";
import { qs } from "../clusters/memberApi.ts";
import type { Member } from "../clusters/members.ts";
import type { PlatformContext } from "../http/context.ts";
import { badRequest, fromMember, PlatformError } from "../http/errors.ts";
import { type Answer, type Caller, callAs, callerJson, KPANDA } from "./callAs.ts";
import type { KObject, PropagationPolicy } from "./objects.ts";

/** One CRD's objects: where they are, and in which namespace (undefined: cluster-scoped, or all namespaces). */
export type Gvr = { group: string; version: string; resource: string; namespace?: string };

/** Where a call goes and as whom. */
export type CrTarget = { ctx: PlatformContext; m: Member; who: Caller; gvr: Gvr };

export type CrListQuery = { page?: number; pageSize?: number; fuzzySearch?: string; labelSelector?: string; fieldSelector?: string };

export const CHUNK = 500;
export const MAX_ITEMS = 10_000;
const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

type Crd = {
  metadata?: { name?: string; [k: string]: unknown };
  spec?: {
    group?: string;
    scope?: string;
    names?: { kind?: string; plural?: string; listKind?: string; singular?: string; shortNames?: string[]; categories?: string[] };
    versions?: { name: string; served?: boolean; storage?: boolean; additionalPrinterColumns?: PrinterColumn[] }[];
  };
};

/** The member path of the collection, or of one object when `name` is given. */
export function crPath(g: Gvr, name?: string): string {
  const ns = g.namespace === undefined ? "" : `/namespaces/${encodeURIComponent(g.namespace)}`;
  const base = `/apis/${encodeURIComponent(g.group)}/${encodeURIComponent(g.version)}${ns}/${encodeURIComponent(g.resource)}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** The member path of the CRDs, or of one. */
export const crdPath = (name?: string) => (name === undefined ? CRDS : `${CRDS}/${encodeURIComponent(name)}`);

/**
 * The CRD of `gvr` (its name is <plural>.<group>): from the cache, else read
 * by kpanda from the member (a CRD made a moment ago, not cached yet; the
 * caller may not be allowed to read CRDs, yet may list their objects).
 * Undefined when there is none.
 */
export async function crdOf(ctx: PlatformContext, m: Member, g: Gvr): Promise<Crd | undefined> {
  const name = `${g.resource}.${g.group}`;
  const cached = await ctx.search.index.query({
    group: "apiextensions.k8s.io",
    resource: "customresourcedefinitions",
    clusters: [m.name],
    fieldSelector: `metadata.name=${name}`,
    page: 1,
    pageSize: 1,
  });
  const hit = cached.items[0]?.object as Crd | undefined;
  if (hit?.spec?.versions?.some((v) => v.name === g.version)) return hit;
  try {
    return await callerJson<Crd>(m, KPANDA, { path: crdPath(name) });
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw fromMember(m.name, e);
  }
}

/** The printer columns of the CRD's `version` as name → cell of `obj`. */
export function columnsOf(crd: Crd | undefined, version: string): (obj: KObject, now: number) => Record<string, unknown> {
  const declared = crd?.spec?.versions?.find((v) => v.name === version)?.additionalPrinterColumns ?? [];
  const printer = customResourcePrinter(declared);
  const names = printer.columns.slice(1).map((c) => c.name);
  return (obj, now) => {
    const cells = printer.cells(obj as never, { now }).slice(1);
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  };
}

/** A page of the objects, read from the member in chunks, each with its printer columns. */
export async function listCustomResources(t: CrTarget, q: CrListQuery) {
  const crd = await crdOf(t.ctx, t.m, t.gvr);
  const all: KObject[] = [];
  let cont: string | undefined;
  let resourceVersion = "";
  do {
    const query = qs({ limit: String(CHUNK), continue: cont, labelSelector: q.labelSelector || undefined, fieldSelector: q.fieldSelector || undefined });
    const { body } = await callAs<{ items?: KObject[]; metadata?: { continue?: string; resourceVersion?: string } }>(t.m, t.who, { path: crPath(t.gvr) + query });
    all.push(...(body.items ?? []));
    cont = body.metadata?.continue || undefined;
    resourceVersion ||= body.metadata?.resourceVersion ?? "";
    if (all.length > MAX_ITEMS) {
      throw new PlatformError(413, "RequestEntityTooLarge", `more than ${MAX_ITEMS} ${t.gvr.resource}: narrow the list with a labelSelector or fieldSelector`, { cluster: t.m.name });
    }
  } while (cont);
  const term = q.fuzzySearch?.toLowerCase();
  const kept = term ? all.filter((o) => String(o.metadata?.name ?? "").toLowerCase().includes(term)) : all;
  const p = q.page ?? 1;
  const size = q.pageSize ?? 10;
  const columns = columnsOf(crd, t.gvr.version);
  const now = Date.now();
  const items = kept.slice((p - 1) * size, p * size).map((o) => ({ ...view(t.m.name, o), columns: columns(o, now) }));
  return { items, pagination: { total: kept.length, page: p, pageSize: size }, resourceVersion };
}

/** The object as the member should get it: apiVersion, kind (from the CRD) and namespace filled in when missing. */
async function prepared(t: CrTarget, obj: KObject, name?: string): Promise<KObject> {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw badRequest("the body must be one Kubernetes object");
  const metadata = { ...(obj.metadata ?? {}) };
  if (t.gvr.namespace !== undefined && metadata.namespace === undefined) metadata.namespace = t.gvr.namespace;
  if (name !== undefined && metadata.name === undefined) metadata.name = name;
  const kind = obj.kind ?? (await crdOf(t.ctx, t.m, t.gvr))?.spec?.names?.kind;
  return { ...obj, apiVersion: obj.apiVersion ?? `${t.gvr.group}/${t.gvr.version}`, ...(kind ? { kind } : {}), metadata };
}

const dry = (dryRun?: string) => qs({ dryRun });

export async function createCustomResource(t: CrTarget, obj: KObject, dryRun?: string): Promise<Answer<KObject>> {
  return callAs(t.m, t.who, { method: "POST", path: crPath(t.gvr) + dry(dryRun), body: await prepared(t, obj) });
}

/** Replaces the object, or (`status`) its status subresource. */
export async function replaceCustomResource(t: CrTarget, name: string, obj: KObject, dryRun?: string, status = false): Promise<Answer<KObject>> {
  const path = `${crPath(t.gvr, name)}${status ? "/status" : ""}${dry(dryRun)}`;
  return callAs(t.m, t.who, { method: "PUT", path, body: await prepared(t, obj, name) });
}

export async function readCustomResource(t: CrTarget, name: string): Promise<KObject> {
  return (await callAs<KObject>(t.m, t.who, { path: crPath(t.gvr, name) })).body;
}

/** A merge or JSON patch, by Content-Type (a member answers 415 to a strategic merge patch of a custom resource). */
export function patchCustomResource(t: CrTarget, name: string, patch: unknown, contentType: string, dryRun?: string): Promise<Answer<KObject>> {
  return callAs(t.m, t.who, { method: "PATCH", path: crPath(t.gvr, name) + dry(dryRun), body: patch, contentType });
}

/** Deletes with the cascade chosen (default Background, as kubectl delete). */
export function deleteCustomResource(t: CrTarget, name: string, policy: PropagationPolicy = "Background", dryRun?: string): Promise<Answer<unknown>> {
  const body = { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: policy };
  return callAs(t.m, t.who, { method: "DELETE", path: crPath(t.gvr, name) + dry(dryRun), body });
}

/** The object as GET shows it: without managedFields, with its cluster. */
export function view(cluster: string, obj: KObject): KObject {
  const metadata = { ...(obj.metadata ?? {}) };
  delete metadata.managedFields;
  return { ...obj, metadata, cluster };
}

export type CrdSummary = { name: string; kind: string; plural: string; scope: string; versions: string[]; storageVersion?: string };
export type CrdGroup = { group: string; crds: CrdSummary[] };

/** The cached CRDs of a cluster grouped by API group, groups and CRDs by name. */
export async function crdGroups(ctx: PlatformContext, cluster: string): Promise<{ groups: CrdGroup[]; revision: number }> {
  const byGroup = new Map<string, CrdSummary[]>();
  let revision = 0;
  for (let page = 1; ; page++) {
    const r = await ctx.search.index.query({ group: "apiextensions.k8s.io", resource: "customresourcedefinitions", clusters: [cluster], page, pageSize: 500, sortBy: "name" });
    revision ||= r.revision;
    for (const { object } of r.items) {
      const crd = object as Crd;
      const s = crd.spec ?? {};
      const group = s.group ?? "";
      const versions = (s.versions ?? []).filter((v) => v.served !== false).map((v) => v.name);
      const storageVersion = s.versions?.find((v) => v.storage)?.name;
      const summary = { name: crd.metadata?.name ?? "", kind: s.names?.kind ?? "", plural: s.names?.plural ?? "", scope: s.scope ?? "", versions, ...(storageVersion ? { storageVersion } : {}) };
      byGroup.set(group, [...(byGroup.get(group) ?? []), summary]);
    }
    if (r.items.length < 500) break;
  }
  const groups = [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, crds]) => ({ group, crds: crds.sort((a, b) => a.name.localeCompare(b.name)) }));
  return { groups, revision };
}
