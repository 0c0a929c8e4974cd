// Access control for the HTTP layer, in kube-apiserver's filter order:
// authentication (401), impersonation (403 when the caller may not), then
// authorization of the request's attributes (403 with kube's message). It also
// serves the endpoints that belong to it: the access reviews, SelfSubjectReview,
// TokenReview and serviceaccounts/token.
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../registry/context.ts";
import { ApiError, methodNotAllowed } from "../registry/errors.ts";
import type { ObjectStore } from "../registry/store.ts";
import type { Storage } from "../storage/interface.ts";
import type { KObject, ResourceInfo } from "../registry/types.ts";
import { Authenticator } from "./authn.ts";
import { type RequestHeaderConfig, RequestHeaderAuthenticator } from "./requestHeader.ts";
import { impersonate, wantsImpersonation } from "./impersonation.ts";
import { RbacAuthorizer } from "./RbacAuthorizer.ts";
import { forbiddenError, requestAttributes } from "./requestAttributes.ts";
import { isReview, review } from "./reviews.ts";
import { ServiceAccountTokens } from "./serviceAccountTokens.ts";
import { loadTokenFile } from "./tokenFile.ts";
import { tokenRequest } from "./tokenRequest.ts";
import type { AuthzAttributes, Decision } from "./types.ts";

export type AccessControlOptions = {
  storage: Storage;
  /** The object store (built after access control, whose escalation check is part of its admission). */
  store: () => ObjectStore;
  /** Static bearer tokens (token → user). */
  tokens?: Map<string, UserInfo>;
  /** A kube --token-auth-file CSV. */
  tokenAuthFile?: string;
  /** Where pki/sa.key lives; in memory without it. */
  dataDir?: string;
  /** PEM of the CA whose client certificates name users (--client-ca-file). */
  clientCA?: string;
  /** Request-header authentication of front proxies (--requestheader-*). */
  requestHeader?: RequestHeaderConfig;
};

/** A request for one of the endpoints access control serves itself. */
export type AccessEndpointCall = {
  method: string;
  info: ResourceInfo;
  namespace: string;
  name?: string;
  subresource?: string;
  user: UserInfo;
  /** The decoded request body. */
  body(): KObject;
};

export class AccessControl {
  readonly authn: Authenticator;
  readonly rbac: RbacAuthorizer;
  readonly serviceAccounts: ServiceAccountTokens;
  private readonly store: () => ObjectStore;

  constructor(store: () => ObjectStore, authn: Authenticator, rbac: RbacAuthorizer, serviceAccounts: ServiceAccountTokens) {
    this.store = store;
    this.authn = authn;
    this.rbac = rbac;
    this.serviceAccounts = serviceAccounts;
  }

  static async create(opts: AccessControlOptions): Promise<AccessControl> {
    const tokens = new Map(opts.tokens ?? []);
    if (opts.tokenAuthFile) for (const [t, u] of await loadTokenFile(opts.tokenAuthFile)) tokens.set(t, u);
    const sa = await ServiceAccountTokens.load(opts.dataDir);
    const storage = opts.storage;
    const requestHeader = opts.requestHeader ? new RequestHeaderAuthenticator(opts.requestHeader) : undefined;
    const authn = new Authenticator({ tokens, serviceAccounts: sa, storage, clientCA: opts.clientCA, requestHeader });
    return new AccessControl(opts.store, authn, new RbacAuthorizer(storage), sa);
  }

  start(): void {
    this.rbac.start();
  }

  stop(): void {
    this.rbac.stop();
  }

  authorize(a: AuthzAttributes): Decision {
    return this.rbac.authorize(a);
  }

  /**
   * Who the request acts as, once allowed: throws 401 without credentials,
   * 403 for an impersonation or a request the user may not make.
   */
  admit(req: IncomingMessage, path: string, query: URLSearchParams): UserInfo {
    let user = this.authn.authenticate(req);
    if (!user) throw new ApiError(401, "Unauthorized", "Unauthorized");
    if (wantsImpersonation(req.headers)) user = impersonate(user, req.headersDistinct, (a) => this.authorize(a));
    const attrs = requestAttributes(user, req.method ?? "GET", path, query);
    const d = this.authorize(attrs);
    if (!d.allowed) throw forbiddenError(attrs, d.reason);
    return user;
  }

  /** Whether this request addresses an endpoint served here rather than by the object store. */
  serves(info: ResourceInfo, subresource: string | undefined): boolean {
    if (subresource) return info.group === "" && info.resource === "serviceaccounts" && subresource === "token";
    return isReview(info);
  }

  /** Answers such a request: the object to send with 201. */
  serve(call: AccessEndpointCall): KObject {
    if (call.method !== "POST" || (call.name !== undefined && !call.subresource)) throw methodNotAllowed();
    if (call.subresource === "token") {
      return tokenRequest(this.store(), this.serviceAccounts, call.info, call.namespace, call.name ?? "", call.body());
    }
    return review({ authorize: (a) => this.authorize(a), rbac: this.rbac, authn: this.authn }, call.info, call.user, call.namespace, call.body());
  }
}
