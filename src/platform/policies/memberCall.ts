// JSON calls to a member for the policies: as kpanda itself (the policy
// controller, which acts for no user) or as the kpanda user of a REST call
// (the impersonation the Kubernetes proxy uses, proxy/k8sProxy.ts
// memberHeaders, so the member's RBAC decides). Unlike client-node, the
// answer keeps the member's Warning headers: a server-side dry run of a Pod
// Security label answers with the pods that would violate it there.
// Connections are kept alive per member; every call runs within the
// member's concurrency limit and timeout (Member.run). A non-2xx answer
// rejects with MemberHttpError ({code, body}), which fromMember() reads.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { describeDialError, isTls, upstreamHost, upstreamPort } from "../../net/upstream.ts";
import { memberAgentFor, MemberHttpError } from "../clusters/memberHttp.ts";
import type { Member } from "../clusters/members.ts";
import { memberHeaders } from "../proxy/k8sProxy.ts";

export type MemberCall = {
  method?: string;
  /** Member-side path with its query. */
  path: string;
  body?: unknown;
  /** Default application/json; merge patches say application/merge-patch+json. */
  contentType?: string;
  /** The kpanda user to act as (and the address it called from); kpanda itself when absent. */
  as?: { user: string; ip?: string };
};

export type MemberAnswer<T> = { status: number; body: T; warnings: string[] };

/**
 * Calls a caller with many to make keeps in flight per member. Each one in
 * flight beyond the member's free kept connections opens a new TLS
 * connection (and a simulated member's front proxy another behind it):
 * bench/policies.ts over 100 clusters took a median 9.2 s with 8, 7.8 s
 * with 4 and 7.9 s with 2; 4 keeps more room for members far away.
 */
export const CONNECTIONS = 4;

/** Sends the call within the member's limit; resolves with the parsed answer and its warnings. */
export function memberCall<T = any>(m: Member, c: MemberCall): Promise<MemberAnswer<T>> {
  return m.run((signal) => send<T>(m, c, signal));
}

function send<T>(m: Member, c: MemberCall, signal: AbortSignal): Promise<MemberAnswer<T>> {
  const up = m.upstream(c.path);
  const url = up.url;
  const payload = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body));
  const base: Record<string, string> = { accept: "application/json" };
  if (payload) {
    base["content-type"] = c.contentType ?? "application/json";
    base["content-length"] = String(payload.length);
  }
  const headers = c.as ? memberHeaders(base, c.as.user, up.headers ?? {}, c.as.ip ?? "") : { ...base, ...up.headers };
  const method = c.method ?? "GET";
  const request = isTls(url) ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: memberAgentFor(m, url), signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(new MemberHttpError(status, text, `${method} ${url.pathname}`));
        try {
          resolve({ status, body: (text ? JSON.parse(text) : undefined) as T, warnings: parseWarnings(res.headersDistinct.warning) });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.name === "AbortError") return reject(err);
      const dial = err.syscall === "connect" || err.code === "ENOTFOUND" || err.code === "EAI_AGAIN" || err.code === "ECONNREFUSED";
      reject(dial ? new Error(describeDialError(upstreamHost(url), upstreamPort(url), err)) : err);
    });
    req.end(payload);
  });
}

/**
 * The texts of Warning headers as kube-apiserver writes them: `299 - "text"`,
 * the text a quoted-string with backslash escapes, several values in one
 * header separated by commas (k8s.io/apimachinery/pkg/util/net
 * NewWarningHeader and ParseWarningHeaders).
 */
export function parseWarnings(values: string[] | undefined): string[] {
  const out: string[] = [];
  const one = /\s*(\d{3}) (\S+) "((?:[^"\\]|\\.)*)"(?: "[^"]*")?\s*(?:,|$)/y;
  for (const v of values ?? []) {
    one.lastIndex = 0;
    for (let m = one.exec(v); m; m = one.exec(v)) {
      out.push(m[3].replace(/\\(.)/g, "$1"));
      if (one.lastIndex >= v.length) break;
    }
  }
  return out;
}
