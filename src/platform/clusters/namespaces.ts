// A member's namespaces as the REST API shows them, and their writes:
// create with labels, delete, and replace labels. Calls use kpanda's own
// credential; the REST routes decide by kpanda's roles who may make them.
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { codeOf } from "../host/host.ts";
import { coreOf, getJson, itemsOf, onMember, replaceMapPatch } from "./memberApi.ts";
import type { Member } from "./members.ts";

export type NamespaceView = {
  name: string;
  /** status.phase: Active or Terminating. */
  status: string;
  labels: Record<string, string>;
  creationTimestamp?: string;
};

type KNamespace = any;

/** A Namespace as the REST API shows it. */
export function namespaceView(ns: KNamespace): NamespaceView {
  return {
    name: ns.metadata.name,
    status: ns.status?.phase ?? "Active",
    labels: ns.metadata?.labels ?? {},
    creationTimestamp: ns.metadata?.creationTimestamp,
  };
}

/** Every namespace of the member, sorted by name. */
export async function listNamespaces(m: Member): Promise<NamespaceView[]> {
  const list = await getJson(m, "/api/v1/namespaces");
  return itemsOf(list)
    .map(namespaceView)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function createNamespace(m: Member, name: string, labels: Record<string, string> = {}): Promise<NamespaceView> {
  const created = await onMember(m, () => coreOf(m).createNamespace({ body: { metadata: { name, labels } } }));
  return namespaceView(created);
}

/** Deletes a namespace; answers it as it is then (Terminating while its contents go), or gone. */
export async function deleteNamespace(m: Member, name: string): Promise<NamespaceView> {
  await onMember(m, () => coreOf(m).deleteNamespace({ name }));
  try {
    return namespaceView(await getJson(m, `/api/v1/namespaces/${encodeURIComponent(name)}`));
  } catch (e) {
    if (codeOf(e) !== 404) throw e;
    return { name, status: "Terminating", labels: {} };
  }
}

export async function readNamespace(m: Member, name: string): Promise<KNamespace> {
  return getJson(m, `/api/v1/namespaces/${encodeURIComponent(name)}`);
}

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** Replaces a namespace's labels, from the object `ns` as read (its resourceVersion guards the write). */
export async function replaceNamespaceLabels(m: Member, ns: KNamespace, want: Record<string, string>): Promise<NamespaceView> {
  const body = { metadata: { labels: replaceMapPatch(ns.metadata?.labels, want), resourceVersion: ns.metadata.resourceVersion } };
  const patched = await onMember(m, () => coreOf(m).patchNamespace({ name: ns.metadata.name, body }, mergePatch));
  return namespaceView(patched);
}
