// kpanda's users: a User object in the host per user, and its password hash
// in the Secret kpanda-user-<name> (encrypted at rest by the host), so no
// hash ever appears in a User or an API response.
import type { V1Secret } from "@kubernetes/client-node";
import { GROUP, KPANDA_NAMESPACE, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";

const NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;
export const secretName = (user: string) => `kpanda-user-${user}`;

export class UserStore {
  private readonly host: Host;
  readonly cache: KindCache;

  constructor(host: Host, cache: KindCache) {
    this.host = host;
    this.cache = cache;
  }

  /** True while the user exists and is not disabled (from the cache). */
  active(name: string): boolean {
    const u = this.cache.get(name);
    return !!u && !u.spec?.disabled && !u.metadata?.deletionTimestamp;
  }

  list(): readonly KObj[] {
    return this.cache.list();
  }

  async create(name: string, password: string): Promise<KObj> {
    if (!NAME.test(name)) throw badRequest(`user name "${name}" must be a DNS subdomain: lowercase letters, digits, '-' and '.'`);
    if (typeof password !== "string" || password.length < 8) throw badRequest("password must have at least 8 characters");
    const hash = await hashPassword(password);
    let user: KObj;
    try {
      user = await this.host.custom.createClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: "users",
        body: { apiVersion: `${GROUP}/${VERSION}`, kind: "User", metadata: { name }, spec: {} },
      });
    } catch (e) {
      if (codeOf(e) === 409) throw conflict(`user "${name}" already exists`);
      throw e;
    }
    const secret: V1Secret = {
      metadata: {
        name: secretName(name),
        namespace: KPANDA_NAMESPACE,
        labels: { "kpanda.io/user": name },
        ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: "User", name, uid: user.metadata!.uid! }],
      },
      type: "kpanda.io/password",
      stringData: { passwordHash: hash },
    };
    await this.host.core.createNamespacedSecret({ namespace: KPANDA_NAMESPACE, body: secret });
    return user;
  }

  async delete(name: string): Promise<void> {
    try {
      await this.host.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "users", name });
    } catch (e) {
      if (codeOf(e) === 404) throw notFound("user", name);
      throw e;
    }
    // The password Secret goes with its owner (garbage collection); delete it now as well.
    await this.host.core.deleteNamespacedSecret({ name: secretName(name), namespace: KPANDA_NAMESPACE }).catch(() => {});
  }

  /** True when the user exists, is active, and the password matches. */
  async checkPassword(name: string, password: string): Promise<boolean> {
    if (!NAME.test(name) || typeof password !== "string") return false;
    let secret: V1Secret;
    try {
      secret = await this.host.core.readNamespacedSecret({ name: secretName(name), namespace: KPANDA_NAMESPACE });
    } catch (e) {
      if (codeOf(e) === 404) return false;
      throw e;
    }
    const stored = Buffer.from(secret.data?.passwordHash ?? "", "base64").toString();
    const ok = await verifyPassword(password, stored);
    if (!ok) return false;
    const user = this.cache.get(name);
    return !user?.spec?.disabled;
  }
}
