// API aggregation (kube-aggregator inside kube-apiserver): APIService objects
// route a group-version to a service. This module keeps their Available
// condition (the local and remote availability controllers), merges the
// aggregated group-versions into discovery (discovery.ts), and proxies their
// requests to the service's endpoint as the authenticated user (handler_proxy.go).
// Authorization happened before, in the handler, as for any request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { systemContext, type UserInfo } from "../registry/context.ts";
import { ApiError } from "../registry/errors.ts";
import type { KObject } from "../registry/types.ts";
import { UpstreamAgent } from "../../net/agent.ts";
import { relayResponse } from "../../net/proxy.ts";
import type { Controller, ObjectEvent } from "../controllers/manager.ts";
import { aggregatedDiscovery, apiGroupList, wantsAggregated } from "../http/discovery.ts";
import { sendJson, sendRaw } from "../http/respond.ts";
import { type APIServiceCondition, APISERVICES_PREFIX, isAvailable, serviceOf, setCondition } from "./apiService.ts";
import { checkAvailability } from "./availability.ts";
import { type RemoteVersion, remoteApiGroup, remoteDiscoveryItems, remoteGroups } from "./discovery.ts";
import { fetchAggregated, forwardedHeaders, openAggregated, resolveEndpoint, type UpstreamConfig, upstreamTls } from "./upstream.ts";

/** How often every APIService is checked again (the availability controller's resync). */
const RESYNC_MS = 30_000;

export type AggregatedRequest = {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  search: string;
  user: UserInfo;
  body?: Buffer;
};

/** kube-aggregator's proxyError: a plain-text http.Error. */
function plainError(res: ServerResponse, code: number, text: string): void {
  sendRaw(res, code, `${text}\n`, "text/plain; charset=utf-8");
}

export class Aggregator implements Controller {
  readonly name = "apiservice-availability";
  readonly prefixes = [APISERVICES_PREFIX, "core/services", "core/endpoints"];
  private readonly cfg: UpstreamConfig;
  private readonly log: Logger;
  private readonly apiServices = new Map<string, KObject>();
  /** "group/version" → APIService name, for those with a service. */
  private routes = new Map<string, string>();
  private readonly discovered = new Map<string, { resources?: Record<string, any>[]; stale: boolean }>();
  /** Keep-alive connections per APIService: one verifying (the proxy's), one not (the discovery check's). */
  private readonly agents = new Map<string, { spec: string; proxy: UpstreamAgent; check: UpstreamAgent }>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(cfg: UpstreamConfig, log: Logger) {
    this.cfg = cfg;
    this.log = log;
  }

  sync(objects: ObjectEvent[]): void {
    for (const e of objects) if (e.prefix === APISERVICES_PREFIX) this.apiServices.set(String(e.obj.metadata?.name), e.obj);
    this.reroute();
    for (const name of this.apiServices.keys()) this.queue(name);
    this.timer = setInterval(() => {
      for (const name of this.apiServices.keys()) this.queue(name);
    }, RESYNC_MS);
    this.timer.unref();
  }

  handle(e: ObjectEvent): void {
    if (e.prefix !== APISERVICES_PREFIX) {
      const ns = e.obj.metadata?.namespace;
      const svc = e.obj.metadata?.name;
      for (const [name, obj] of this.apiServices) {
        const ref = serviceOf(obj);
        if (ref && ref.namespace === ns && ref.name === svc) this.queue(name);
      }
      return;
    }
    const name = String(e.obj.metadata?.name);
    const old = this.apiServices.get(name);
    if (e.type === "DELETED") {
      this.apiServices.delete(name);
      this.discovered.delete(name);
      this.dropAgents(name);
    } else this.apiServices.set(name, e.obj);
    this.reroute();
    // A status write of ours needs no new check; a spec change does.
    if (e.type !== "DELETED" && JSON.stringify(old?.spec) !== JSON.stringify(e.obj.spec)) this.queue(name);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const name of [...this.agents.keys()]) this.dropAgents(name);
  }

  /** The APIService's agents, made anew when its spec (service, caBundle, insecureSkipTLSVerify) changes. */
  private agentsFor(name: string, obj: KObject): { proxy: UpstreamAgent; check: UpstreamAgent } {
    const spec = JSON.stringify(obj.spec);
    let a = this.agents.get(name);
    if (a?.spec === spec) return a;
    this.dropAgents(name);
    const ref = serviceOf(obj)!;
    const { dial, proxyClient } = this.cfg;
    a = {
      spec,
      proxy: new UpstreamAgent({ secure: true, dial, tls: upstreamTls(obj, ref, proxyClient) }),
      check: new UpstreamAgent({ secure: true, dial, tls: upstreamTls(obj, ref, proxyClient, true), connectTimeoutMs: 5000 }),
    };
    this.agents.set(name, a);
    return a;
  }

  private dropAgents(name: string): void {
    const a = this.agents.get(name);
    a?.proxy.destroy();
    a?.check.destroy();
    this.agents.delete(name);
  }

  /** Whether a group-version is served by an aggregated server. */
  serves(group: string, version: string): boolean {
    return this.routes.has(`${group}/${version}`);
  }

  /**
   * Serves what aggregation owns under /apis: the merged group list, an
   * aggregated group, and every request to an aggregated group-version.
   * False when the path is the local server's.
   */
  async serve(r: AggregatedRequest): Promise<boolean> {
    const parts = r.path.split("/").filter((p) => p !== "");
    if (parts[0] !== "apis" || this.routes.size === 0) return false;
    if (parts.length === 1) return this.serveGroupList(r);
    const local = this.localGroups();
    if (parts.length === 2) {
      const g = remoteGroups(this.remote()).find((x) => x.group === parts[1]);
      if (!g || local.has(g.group)) return false;
      sendJson(r.res, 200, { kind: "APIGroup", apiVersion: "v1", ...remoteApiGroup(g) });
      return true;
    }
    const name = this.routes.get(`${parts[1]}/${parts[2]}`);
    if (!name) return false;
    await this.proxy(name, r);
    return true;
  }

  /** A GET of an aggregated path by an in-process client: the parsed answer, or its Status as an ApiError. */
  async get(path: string, user: UserInfo): Promise<KObject> {
    const [group, version] = path.split("/").slice(2, 4);
    const obj = this.apiServices.get(this.routes.get(`${group}/${version}`) ?? "");
    if (!obj) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    if (!isAvailable(obj)) throw new ApiError(503, "ServiceUnavailable", "service unavailable");
    const ref = serviceOf(obj)!;
    const ep = this.endpoint(ref);
    const url = new URL(`https://${ep}${path}`);
    const headers = forwardedHeaders({ accept: "application/json" }, user);
    const name = this.routes.get(`${group}/${version}`)!;
    const agent = this.agentsFor(name, obj).proxy;
    const reply = await fetchAggregated(this.cfg, { url, tls: upstreamTls(obj, ref, this.cfg.proxyClient), method: "GET", headers, agent });
    const text = reply.body.toString("utf8");
    let parsed: KObject | undefined;
    try {
      parsed = JSON.parse(text);
    } catch {}
    if (reply.status >= 200 && reply.status < 300 && parsed) return parsed;
    if (parsed?.kind === "Status") throw new ApiError(reply.status, String(parsed.reason ?? ""), String(parsed.message ?? ""));
    throw new ApiError(reply.status || 503, "ServiceUnavailable", text.trim() || "service unavailable");
  }

  private endpoint(ref: { namespace: string; name: string; port: number }): string {
    let ep: { host: string; port: number };
    try {
      ep = resolveEndpoint(this.cfg.store, ref);
    } catch {
      throw new ApiError(503, "ServiceUnavailable", "service unavailable");
    }
    return `${ep.host.includes(":") ? `[${ep.host}]` : ep.host}:${ep.port}`;
  }

  private async proxy(name: string, r: AggregatedRequest): Promise<void> {
    const obj = this.apiServices.get(name)!;
    if (!isAvailable(obj)) return plainError(r.res, 503, "service unavailable");
    const ref = serviceOf(obj)!;
    let host: string;
    try {
      host = this.endpoint(ref);
    } catch {
      return plainError(r.res, 503, "service unavailable");
    }
    const url = new URL(`https://${host}${r.path}${r.search}`);
    try {
      const answer = await openAggregated(this.cfg, {
        url,
        tls: upstreamTls(obj, ref, this.cfg.proxyClient),
        method: r.req.method ?? "GET",
        headers: forwardedHeaders(r.req.headers, r.user),
        body: r.body,
        agent: this.agentsFor(name, obj).proxy,
      });
      relayResponse(answer, r.res);
    } catch (e) {
      // The upgrade-aware handler's responder: http.Error(w, err.Error(), 503).
      plainError(r.res, 503, (e as Error).message);
    }
  }

  private serveGroupList(r: AggregatedRequest): true {
    const reg = this.cfg.store.registry;
    const local = this.localGroups();
    const agg = wantsAggregated(r.req.headers.accept);
    if (agg) {
      const doc = aggregatedDiscovery(reg, false);
      doc.apiVersion = `apidiscovery.k8s.io/${agg}`;
      doc.items.push(...(remoteDiscoveryItems(this.remote(), local) as typeof doc.items));
      sendRaw(r.res, 200, JSON.stringify(doc), `application/json;g=apidiscovery.k8s.io;v=${agg};as=APIGroupDiscoveryList`);
      return true;
    }
    const list = apiGroupList(reg);
    for (const g of remoteGroups(this.remote())) if (!local.has(g.group)) list.groups.push(remoteApiGroup(g));
    sendJson(r.res, 200, list);
    return true;
  }

  private localGroups(): Set<string> {
    return new Set(this.cfg.store.registry.groups().map((g) => g.group));
  }

  private remote(): RemoteVersion[] {
    const out: RemoteVersion[] = [];
    for (const name of this.routes.values()) {
      const obj = this.apiServices.get(name)!;
      const d = this.discovered.get(name);
      out.push({
        name,
        group: String(obj.spec?.group ?? ""),
        version: String(obj.spec?.version ?? ""),
        groupPriorityMinimum: Number(obj.spec?.groupPriorityMinimum ?? 0),
        versionPriority: Number(obj.spec?.versionPriority ?? 0),
        resources: d?.resources,
        stale: d?.stale ?? false,
      });
    }
    return out;
  }

  private reroute(): void {
    const routes = new Map<string, string>();
    for (const [name, obj] of this.apiServices) {
      if (serviceOf(obj) && obj.spec?.group) routes.set(`${obj.spec.group}/${obj.spec.version}`, name);
    }
    this.routes = routes;
  }

  /** Runs one availability check per APIService at a time; a change meanwhile runs it again. */
  private queue(name: string): void {
    if (this.stopped) return;
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    this.running.add(name);
    this.check(name)
      .catch((err) => this.log.warn({ err, apiservice: name }, "apiservice availability check failed"))
      .finally(() => {
        this.running.delete(name);
        if (this.again.delete(name)) this.queue(name);
      });
  }

  private async check(name: string): Promise<void> {
    const obj = this.apiServices.get(name);
    if (!obj) return;
    const result = await checkAvailability(this.cfg, obj, serviceOf(obj) ? this.agentsFor(name, obj).check : undefined);
    if (this.stopped || !this.apiServices.has(name)) return;
    if (result.resources) this.discovered.set(name, { resources: result.resources, stale: false });
    else if (result.discoveryFailed) {
      const d = this.discovered.get(name);
      this.discovered.set(name, { resources: d?.resources, stale: true });
    }
    this.writeCondition(name, result.condition);
  }

  private writeCondition(name: string, cond: APIServiceCondition): void {
    const info = this.cfg.store.registry.lookup("apiregistration.k8s.io", "v1", "apiservices");
    if (!info) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    this.cfg.store.mutate(info, "", name, systemContext(), (o) => setCondition(o, cond, now), "status");
  }
}
