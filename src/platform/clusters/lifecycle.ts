// A cluster's life in kpanda: integration (validate, reserve the name with
// the Cluster object, install kpanda's credential in the member, save it as
// a Secret owned by the Cluster), edits of alias, labels and deletion
// protection, and removal (phase Removing, cleanup in the member, then the
// Secret and the Cluster). Integration saves nothing unless it succeeds
// whole: a failure after the Cluster was created removes it again.
import type { Logger } from "pino";
import { GROUP, KPANDA_NAMESPACE, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KObj } from "../host/kindCache.ts";
import { badRequest, conflict, notFound, PlatformError } from "../http/errors.ts";
import { deleteClusterObject, patchCluster, patchClusterStatus, withCondition } from "./clusterObjects.ts";
import { type InstalledCredential, installCredential } from "./memberCredential.ts";
import { CREDENTIAL_REV, credentialSecretName, Member, type MemberRegistry } from "./members.ts";
import { type CleanupReport, removeFromMember } from "./teardown.ts";
import { validateKubeconfig } from "./validate.ts";

export type CreateClusterInput = {
  name: string;
  kubeconfig: string;
  alias?: string;
  labels?: Record<string, string>;
  provider?: string;
};

// A DNS label (RFC 1123), as kube's IsDNS1123Label: cluster names become parts of paths and object names.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkClusterName(name: string): void {
  if (name.length > 63) throw badRequest(`cluster name "${name}" must be no more than 63 characters`);
  if (!DNS_LABEL.test(name)) {
    throw badRequest(
      `cluster name "${name}" is invalid: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
    );
  }
}

/** A host write refused for its content (422 Invalid) is the caller's 400, with the host's message. */
function hostInput(e: unknown): never {
  if (codeOf(e) === 422) {
    const body = (e as { body?: unknown }).body;
    const msg = typeof body === "string" ? (JSON.parse(body) as { message?: string }).message : undefined;
    throw badRequest(msg ?? "invalid cluster");
  }
  throw e;
}

export type ClusterLifecycleOptions = { validateTimeoutMs?: number; cleanupTimeoutMs?: number };

export class ClusterLifecycle {
  private readonly host: Host;
  private readonly members: MemberRegistry;
  private readonly log: Logger;
  private readonly opts: ClusterLifecycleOptions;

  constructor(host: Host, members: MemberRegistry, log: Logger, opts: ClusterLifecycleOptions = {}) {
    this.host = host;
    this.members = members;
    this.log = log;
    this.opts = opts;
  }

  get validateTimeoutMs(): number {
    return this.opts.validateTimeoutMs ?? 5000;
  }

  get(name: string): KObj {
    const o = this.members.cluster(name);
    if (!o) throw notFound("cluster", name);
    return o;
  }

  async create(input: CreateClusterInput): Promise<KObj> {
    const { name } = input;
    checkClusterName(name);
    if (this.members.cluster(name)) throw conflict(`cluster "${name}" already exists`);
    const { cred, report } = await validateKubeconfig(input.kubeconfig, this.validateTimeoutMs);
    if (!report.reachable) throw badRequest(`cluster is unreachable: ${report.error}`, name);
    if (report.error) throw badRequest(report.error, name);
    let obj: KObj;
    try {
      obj = (await this.host.custom.createClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: "clusters",
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: "Cluster",
          metadata: { name, labels: input.labels ?? {} },
          spec: { alias: input.alias, provider: input.provider, deletionProtection: false, credentialSecret: credentialSecretName(name) },
        },
      })) as KObj;
    } catch (e) {
      if (codeOf(e) === 409) throw conflict(`cluster "${name}" already exists`);
      hostInput(e);
    }
    const log = this.log.child({ cluster: name });
    let installed: InstalledCredential | undefined;
    try {
      await patchClusterStatus(this.host, name, { phase: "Integrating" });
      installed = await installCredential(name, cred, this.validateTimeoutMs);
      await this.members.saveCredential(name, installed.cred, { uid: obj.metadata!.uid! });
      await patchCluster(this.host, name, { spec: { credentialSource: installed.source } });
      const now = new Date();
      let conditions = withCondition([], { type: "Ready", status: "True", reason: "Reachable", message: "the API server is ready" }, now);
      conditions = withCondition(
        conditions,
        installed.source === "ServiceAccount"
          ? { type: "KpandaCredential", status: "True", reason: "ServiceAccount", message: "kpanda uses its own ServiceAccount kpanda-system/kpanda, bound to cluster-admin" }
          : { type: "KpandaCredential", status: "False", reason: installed.reason, message: installed.message },
        now,
      );
      obj = await patchClusterStatus(this.host, name, {
        phase: "Running",
        kubernetesVersion: report.serverVersion,
        conditions,
        lastSeen: now.toISOString(),
        credentialExpiresAt: installed.source === "ServiceAccount" ? installed.expiresAt : report.credential.expiresAt,
      });
      log.info({ credentialSource: installed.source, version: report.serverVersion }, "cluster integrated");
      return obj;
    } catch (e) {
      log.warn({ err: String(e) }, "cluster integration failed; rolling back");
      await this.rollback(name, installed);
      throw e instanceof PlatformError ? e : new PlatformError(500, "InternalError", "integration failed", { cluster: name, cause: e });
    }
  }

  private async rollback(name: string, installed: InstalledCredential | undefined): Promise<void> {
    if (installed?.source === "ServiceAccount") {
      await removeFromMember(new Member(name, installed.cred), this.opts.cleanupTimeoutMs).catch(() => {});
    }
    await this.deleteSecret(name);
    await deleteClusterObject(this.host, name).catch(() => {});
    this.members.forget(name);
  }

  private async deleteSecret(name: string): Promise<void> {
    await this.host.core.deleteNamespacedSecret({ name: credentialSecretName(name), namespace: KPANDA_NAMESPACE }).catch((e) => {
      if (codeOf(e) !== 404) throw e;
    });
  }

  /** Edits alias, provider and deletion protection; the name is immutable. */
  async update(name: string, body: { name?: string; alias?: string; provider?: string; deletionProtection?: boolean }): Promise<KObj> {
    this.get(name);
    if (body.name !== undefined && body.name !== name) throw badRequest(`cluster name is immutable (was "${name}")`, name);
    const spec: Record<string, unknown> = {};
    for (const k of ["alias", "provider", "deletionProtection"] as const) if (body[k] !== undefined) spec[k] = body[k];
    return await patchCluster(this.host, name, { spec }).catch(hostInput);
  }

  /** Replaces the cluster's labels. */
  async setLabels(name: string, labels: Record<string, string>): Promise<KObj> {
    const old = this.get(name).metadata?.labels ?? {};
    const patch: Record<string, string | null> = { ...labels };
    for (const k of Object.keys(old)) if (!(k in labels)) patch[k] = null;
    return await patchCluster(this.host, name, { metadata: { labels: patch } }).catch(hostInput);
  }

  /** Removes the cluster: 409 while deletion protection is on; kpanda's objects in the member go first (best effort). */
  async remove(name: string): Promise<{ cluster: KObj; cleanup: CleanupReport }> {
    const obj = this.get(name);
    if (obj.spec?.deletionProtection) {
      throw conflict(`cluster "${name}" has deletion protection on; turn it off first (PUT /clusters/${name} {"deletionProtection": false})`, name);
    }
    const log = this.log.child({ cluster: name });
    const removing = await patchClusterStatus(this.host, name, { phase: "Removing" });
    let cleanup: CleanupReport = { complete: false, errors: ["no credential for the cluster"] };
    const m = await this.members.get(name).catch(() => undefined);
    if (m) cleanup = await removeFromMember(m, this.opts.cleanupTimeoutMs);
    if (!cleanup.complete) log.warn({ errors: cleanup.errors }, "cluster removed with leftovers in the member");
    await this.deleteSecret(name);
    await deleteClusterObject(this.host, name).catch((e) => {
      if (codeOf(e) !== 404) throw e;
    });
    this.members.forget(name);
    log.info({ complete: cleanup.complete }, "cluster removed");
    return { cluster: removing, cleanup };
  }

  /** Stores a renewed credential and bumps CREDENTIAL_REV so every replica reloads it. */
  async replaceCredential(name: string, cred: Member["cred"]): Promise<void> {
    const obj = this.get(name);
    await this.members.saveCredential(name, cred, { uid: obj.metadata!.uid! });
    const rev = String(Number(obj.metadata?.annotations?.[CREDENTIAL_REV] ?? "0") + 1);
    await patchCluster(this.host, name, { metadata: { annotations: { [CREDENTIAL_REV]: rev } } });
  }
}
