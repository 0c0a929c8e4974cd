// kpanda's role bindings: one RoleBinding object in the host per grant of a
// role to a user, over the platform (Owner), a cluster (ClusterAdmin) or a
// namespace of a cluster (the NS roles). Its name is derived from what it
// grants, so the same grant twice is a 409; it is owned by its User, so it
// goes with the user. Who may manage a binding:
// - an Owner, every binding;
// - a ClusterAdmin, the NS bindings of its cluster;
// - an NSAdmin, the NS bindings of its namespace.
// (So nobody grants more than it holds, as Kubernetes' RBAC escalation rule
// asks; only Owners make Owners and ClusterAdmins.) The last Owner binding of
// the platform cannot be deleted, so the platform is never left unmanaged.
import { createHash } from "node:crypto";
import { GROUP, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { type Authorizer, type Binding, bindingOf, NS_ROLES, ROLES, type Role } from "./roles.ts";
import type { UserStore } from "./users.ts";

export type BindingInput = { user: string; role: Role; cluster?: string; namespace?: string };

/** A namespace name is a DNS label (Kubernetes' ValidateNamespaceName). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The name of the binding for a grant: <user>-<role>-<hash of the grant>,
 * at most 63 characters, so it is also a valid label value (the member
 * objects carry it in kpanda.io/rolebinding).
 */
export function bindingName(b: BindingInput): string {
  const hash = createHash("sha256")
    .update([b.user, b.role, b.cluster ?? "", b.namespace ?? ""].join("/"))
    .digest("hex")
    .slice(0, 10);
  const prefix = `${b.user}-${b.role.toLowerCase()}`.slice(0, 52).replace(/[-.]+$/, "");
  return `${prefix}-${hash}`;
}

/** The reason a grant is malformed, or undefined. */
export function shapeError(b: BindingInput): string | undefined {
  if (!(ROLES as readonly string[]).includes(b.role)) return `role must be one of ${ROLES.join(", ")}`;
  if (b.role === "Owner" && (b.cluster || b.namespace)) return "the Owner role is platform-wide: give no cluster or namespace";
  if (b.role === "ClusterAdmin" && (!b.cluster || b.namespace)) return "the ClusterAdmin role needs a cluster and no namespace";
  if (NS_ROLES.includes(b.role) && (!b.cluster || !b.namespace)) return `the ${b.role} role needs a cluster and a namespace`;
  if (b.namespace && !DNS_LABEL.test(b.namespace)) return `namespace "${b.namespace}" is not a DNS label`;
  return undefined;
}

export class BindingStore {
  private readonly host: Host;
  private readonly cache: KindCache;
  private readonly users: UserStore;
  private readonly authz: Authorizer;
  private readonly clusterExists: (name: string) => boolean;

  constructor(opts: { host: Host; cache: KindCache; users: UserStore; authz: Authorizer; clusterExists: (name: string) => boolean }) {
    this.host = opts.host;
    this.cache = opts.cache;
    this.users = opts.users;
    this.authz = opts.authz;
    this.clusterExists = opts.clusterExists;
  }

  get(name: string): Binding | undefined {
    const o = this.cache.get(name);
    return o && bindingOf(o);
  }

  /** Why `caller` may not manage a grant (a message for a 403), or undefined when it may. */
  refusal(caller: string, b: BindingInput): string | undefined {
    if (this.authz.isOwner(caller)) return undefined;
    if (!NS_ROLES.includes(b.role)) return `user "${caller}" may not manage ${b.role} bindings: only an Owner may`;
    if (b.cluster && this.authz.isClusterAdmin(caller, b.cluster)) return undefined;
    if (b.cluster && b.namespace && this.authz.canNamespace(caller, b.cluster, b.namespace, "admin")) return undefined;
    return `user "${caller}" may not manage bindings in namespace "${b.namespace}" of cluster "${b.cluster}": it needs NSAdmin there, ClusterAdmin of the cluster, or Owner`;
  }

  /** Validates and stores a grant (400 malformed, 409 already granted). */
  async create(b: BindingInput): Promise<Binding> {
    const grant: BindingInput = { user: b.user, role: b.role, cluster: b.cluster || undefined, namespace: b.namespace || undefined };
    const bad = shapeError(grant);
    if (bad) throw badRequest(bad);
    const owner = this.users.cache.get(grant.user);
    if (!owner) throw badRequest(`user "${grant.user}" does not exist`);
    if (grant.cluster && !this.clusterExists(grant.cluster)) throw badRequest(`cluster "${grant.cluster}" does not exist`, grant.cluster);
    const name = bindingName(grant);
    const exists = () => conflict(`user "${grant.user}" already has this role binding (${name})`, grant.cluster);
    if (this.cache.get(name)) throw exists();
    try {
      const created: KObj = await this.host.custom.createClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: "rolebindings",
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: "RoleBinding",
          metadata: {
            name,
            labels: { "kpanda.io/user": grant.user, ...(grant.cluster ? { "kpanda.io/cluster": grant.cluster } : {}) },
            ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: "User", name: grant.user, uid: owner.metadata!.uid! }],
          },
          spec: grant,
        },
      });
      return bindingOf(created);
    } catch (e) {
      if (codeOf(e) === 409) throw exists();
      throw e;
    }
  }

  /** Deletes a binding; 409 for the platform's last Owner binding. */
  async delete(name: string): Promise<void> {
    const b = this.get(name);
    if (!b) throw notFound("role binding", name);
    if (b.role === "Owner" && this.ownerBindings().every((o) => o.name === name)) {
      throw conflict(`role binding "${name}" is the platform's last Owner binding; grant Owner to another user first`);
    }
    try {
      await this.host.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "rolebindings", name });
    } catch (e) {
      if (codeOf(e) === 404) throw notFound("role binding", name);
      throw e;
    }
  }

  /** 409 when deleting this user would leave the platform without an Owner. */
  checkUserRemovable(user: string): void {
    const owners = this.ownerBindings();
    if (owners.length > 0 && owners.every((o) => o.user === user)) {
      throw conflict(`user "${user}" is the platform's last Owner; grant Owner to another user first`);
    }
  }

  /** Deletes every binding of a user (their owner reference would too, later, through garbage collection). */
  async deleteAllOf(user: string): Promise<void> {
    for (const b of this.authz.bindingsOf(user)) {
      await this.host.custom
        .deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "rolebindings", name: b.name })
        .catch((e) => (codeOf(e) === 404 ? undefined : Promise.reject(e)));
    }
  }

  /** Owner bindings of users that exist and are active. */
  private ownerBindings(): Binding[] {
    return this.authz.all().filter((b) => b.role === "Owner" && this.users.active(b.user));
  }
}
