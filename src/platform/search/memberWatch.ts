// List and watch of one kind in a member cluster over HTTPS with kpanda's
// credential (Member.upstream), as client-go's ListWatch does it: a list in
// pages (limit/continue) read at one resourceVersion, then a watch from that
// resourceVersion with allowWatchBookmarks. Watches hold a connection each
// for minutes, so they bypass Member.run (whose concurrency limit is for
// short calls); lists and watches alike go over the member's kept-alive
// connections (memberAgent), so a relist's connection carries its watch.
import { request } from "node:https";
import type { IncomingMessage } from "node:http";
import type { Member } from "../clusters/members.ts";
import { memberAgent, memberGet, MemberHttpError } from "../clusters/memberHttp.ts";
import type { GVR, KObject } from "./index.ts";

export type WatchEvent = { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR"; object: KObject };

/** The list or watch answered 410 Gone (resourceVersion or continue token too old): list again. */
export class GoneError extends Error {}

export const resourcePath = (g: GVR) => (g.group === "" ? `/api/${g.version}/${g.resource}` : `/apis/${g.group}/${g.version}/${g.resource}`);

const PAGE = 500;

/** Every object of the kind in all namespaces, and the resourceVersion the list was read at. */
export async function listAll(m: Member, g: GVR, signal: AbortSignal): Promise<{ items: KObject[]; resourceVersion: string }> {
  const items: KObject[] = [];
  let cont = "";
  let rv = "";
  do {
    const path = `${resourcePath(g)}?limit=${PAGE}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
    let page: any;
    try {
      page = await m.run((s) => memberGet(m, path, AbortSignal.any([s, signal])), 60_000);
    } catch (e) {
      if (e instanceof MemberHttpError && e.code === 410) throw new GoneError("continue token expired");
      throw e;
    }
    if (!rv) rv = page.metadata?.resourceVersion ?? "";
    for (const o of page.items ?? []) items.push(o);
    cont = page.metadata?.continue ?? "";
  } while (cont);
  return { items, resourceVersion: rv };
}

/** Served versions per API group ("" is the core group), from discovery. */
export async function servedVersions(m: Member, signal: AbortSignal): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const core = await m.run((s) => memberGet(m, "/api", AbortSignal.any([s, signal])));
  out.set("", new Set(core?.versions ?? ["v1"]));
  const groups = await m.run((s) => memberGet(m, "/apis", AbortSignal.any([s, signal])));
  for (const g of groups?.groups ?? []) out.set(g.name, new Set((g.versions ?? []).map((v: any) => v.version)));
  return out;
}

/**
 * The resources a group version serves (its APIResourceList; subresources
 * left out). A group can serve a version without every kind: a 1.20 member
 * serves batch/v1 for Jobs, but CronJobs only in batch/v1beta1.
 */
export async function servedResources(m: Member, group: string, version: string, signal: AbortSignal): Promise<Set<string>> {
  const path = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  try {
    const list = await m.run((s) => memberGet(m, path, AbortSignal.any([s, signal])));
    return new Set((list?.resources ?? []).map((r: any) => String(r.name)).filter((n: string) => !n.includes("/")));
  } catch (e) {
    if (e instanceof MemberHttpError && e.code === 404) return new Set();
    throw e;
  }
}

/**
 * Watches from `resourceVersion` and calls onEvent per event, in order.
 * Resolves when the server ends the watch (its timeout): watch again from
 * the last resourceVersion seen. Rejects with GoneError on 410 (as an
 * ERROR event or a status), with another error on any other failure, or when
 * nothing, not even a bookmark, arrives within `idleMs`.
 */
export function watch(
  m: Member,
  g: GVR,
  resourceVersion: string,
  opts: { signal: AbortSignal; timeoutSeconds: number; idleMs: number },
  onEvent: (e: WatchEvent) => void,
): Promise<void> {
  const path = `${resourcePath(g)}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(resourceVersion)}&timeoutSeconds=${opts.timeoutSeconds}`;
  const up = m.upstream(path);
  if (opts.signal.aborted) return Promise.reject(new Error("watch aborted"));
  return new Promise<void>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      clearTimeout(idle);
      opts.signal.removeEventListener("abort", onAbort);
      return true;
    };
    const fail = (e: Error) => {
      if (!settle()) return;
      req.destroy();
      reject(e);
    };
    // A response cut short emits neither "end" nor always "error": settle on abort and on "close" too.
    const onAbort = () => fail(new Error("watch aborted"));
    opts.signal.addEventListener("abort", onAbort, { once: true });
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new Error(`watch idle for ${opts.idleMs} ms`)), opts.idleMs);
      idle.unref();
    };
    const req = request(up.url, { agent: memberAgent(m), headers: { ...up.headers, accept: "application/json" } }, (res) => {
      if (res.statusCode !== 200) return readError(res).then(fail, fail);
      touch();
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        touch();
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line) continue;
          let e: WatchEvent;
          try {
            e = JSON.parse(line) as WatchEvent;
            if (e.type !== "ERROR") onEvent(e);
          } catch (err) {
            return fail(err as Error);
          }
          if (e.type === "ERROR") {
            const code = (e.object as { code?: number }).code;
            return fail(code === 410 ? new GoneError(String((e.object as { message?: string }).message ?? "410 Gone")) : new Error(`watch error ${code}`));
          }
        }
      });
      res.on("error", fail);
      res.on("end", () => {
        if (settle()) resolve();
      });
      res.on("close", () => fail(new Error("watch connection closed")));
    });
    req.on("error", fail);
    req.end();
  });
}

function readError(res: IncomingMessage): Promise<Error> {
  return new Promise((resolve) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (c: string) => {
      body += c;
    });
    res.on("end", () => resolve(res.statusCode === 410 ? new GoneError(body) : new MemberHttpError(res.statusCode ?? 0, body, "watch")));
    res.on("error", () => resolve(new Error(`watch answered ${res.statusCode}`)));
  });
}
