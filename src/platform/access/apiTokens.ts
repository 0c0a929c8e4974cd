// API tokens: random bearer tokens a user makes for scripts and CI, shown
// once at creation and kept only as a SHA-256 in an APIToken object in the
// host (named <user>.<token name>, owned by the User, so they go with it).
// Form: kpt_ + 32 random bytes in base64url. A token authenticates while it
// is unexpired, its APIToken exists and its user is active. Every replica
// resolves tokens from its own index of the APIToken cache, by hash: the
// lookup is keyed by a digest the caller cannot steer, so it leaks nothing
// about a stored token's prefix, and no stored value is ever compared.
import { createHash, randomBytes } from "node:crypto";
import { GROUP, VERSION } from "../host/crds.ts";
import { codeOf, type Host } from "../host/host.ts";
import type { KindCache, KObj } from "../host/kindCache.ts";
import type { Principal, TokenAuthenticator } from "../http/context.ts";
import { badRequest, conflict, notFound } from "../http/errors.ts";
import type { UserStore } from "./users.ts";

export const TOKEN_PREFIX = "kpt_";
/** Token names are DNS labels, so <user>.<name> is a unique object name. */
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * Lifetimes: at least 10 minutes, as Kubernetes' TokenRequest requires of
 * expirationSeconds (pkg/apis/authentication/validation), at most a year,
 * as for kubeconfig tokens; 30 days when not given.
 */
export const MIN_TTL_SECONDS = 600;
export const MAX_TTL_SECONDS = 365 * 24 * 3600;
export const DEFAULT_TTL_SECONDS = 30 * 24 * 3600;

export type TokenInfo = { name: string; user: string; expiresAt: string; createdAt?: string; expired: boolean };
type Indexed = { object: string; user: string; expiresAt: number };

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const objectName = (user: string, name: string) => `${user}.${name}`;

export class ApiTokenStore {
  private readonly host: Host;
  private readonly cache: KindCache;
  private readonly users: UserStore;
  /** sha256 → token, and object name → sha256, from the cache (and this replica's own writes, at once). */
  private readonly byHash = new Map<string, Indexed>();
  private readonly hashOf = new Map<string, string>();

  constructor(host: Host, cache: KindCache, users: UserStore) {
    this.host = host;
    this.cache = cache;
    this.users = users;
    for (const o of cache.list()) this.index(o);
    cache.onChange((type, o) => (type === "delete" ? this.unindex(o.metadata!.name!) : this.index(o)));
  }

  /** Makes a token for `user`; the answer holds the token, which is never shown again. */
  async create(user: string, name: string, ttlSeconds = DEFAULT_TTL_SECONDS, now = Date.now()) {
    if (!NAME.test(name)) throw badRequest(`token name "${name}" must be a DNS label: lowercase letters, digits and '-'`);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_TTL_SECONDS || ttlSeconds > MAX_TTL_SECONDS) {
      throw badRequest(`expirationSeconds must be between ${MIN_TTL_SECONDS} and ${MAX_TTL_SECONDS}`);
    }
    const owner = this.users.cache.get(user);
    if (!owner) throw notFound("user", user);
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const expiresAt = new Date(Math.floor(now / 1000) * 1000 + ttlSeconds * 1000).toISOString();
    let created: KObj;
    try {
      created = await this.host.custom.createClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: "apitokens",
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: "APIToken",
          metadata: {
            name: objectName(user, name),
            labels: { "kpanda.io/user": user },
            ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: "User", name: user, uid: owner.metadata!.uid! }],
          },
          spec: { user, name, sha256: sha256(token), expiresAt },
        },
      });
    } catch (e) {
      if (codeOf(e) === 409) throw conflict(`user "${user}" already has a token named "${name}"`);
      throw e;
    }
    this.index(created);
    return { token, ...view(created, now) };
  }

  /** A user's tokens (never their hashes), sorted by name. */
  list(user: string, now = Date.now()): TokenInfo[] {
    return this.cache
      .list()
      .filter((o) => o.spec?.user === user)
      .map((o) => view(o, now))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async delete(user: string, name: string): Promise<void> {
    const object = objectName(user, name);
    try {
      await this.host.custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: "apitokens", name: object });
    } catch (e) {
      if (codeOf(e) === 404) throw notFound("token", name);
      throw e;
    }
    this.unindex(object);
  }

  /** Deletes every token of a user (their owner reference would too, later, through garbage collection). */
  async deleteAllOf(user: string): Promise<void> {
    for (const t of this.list(user)) await this.delete(user, t.name).catch((e) => (codeOf(e) === 404 ? undefined : Promise.reject(e)));
  }

  /** Resolves kpt_ tokens: known hash, unexpired, user active. */
  authenticator(): TokenAuthenticator {
    return (token: string, now = Date.now()): Principal | undefined => {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const t = this.byHash.get(sha256(token));
      if (!t || !(t.expiresAt > now) || !this.users.active(t.user)) return undefined;
      return { name: t.user, groups: [], via: "apitoken" };
    };
  }

  private index(o: KObj): void {
    const object = o.metadata!.name!;
    this.unindex(object);
    const hash = o.spec?.sha256;
    if (typeof hash !== "string" || typeof o.spec?.user !== "string") return;
    this.byHash.set(hash, { object, user: o.spec.user, expiresAt: Date.parse(o.spec.expiresAt ?? "") || 0 });
    this.hashOf.set(object, hash);
  }

  private unindex(object: string): void {
    const hash = this.hashOf.get(object);
    if (hash !== undefined) this.byHash.delete(hash);
    this.hashOf.delete(object);
  }
}

function view(o: KObj, now: number): TokenInfo {
  const expiresAt = o.spec?.expiresAt ?? "";
  return {
    name: o.spec?.name,
    user: o.spec?.user,
    expiresAt,
    createdAt: o.metadata?.creationTimestamp ? new Date(o.metadata.creationTimestamp).toISOString() : undefined,
    expired: !(Date.parse(expiresAt) > now),
  };
}
