// A small aggregated API server for tests: test.example.com/v1 widgets over
// HTTPS with its own CA, trusting the API server's front proxy as
// kube-system/extension-apiserver-authentication describes it (requestheader
// authentication), and recording what it was asked.
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { RequestHeaderAuthenticator } from "../src/apiserver/auth/requestHeader.ts";
import { requestHeaderFromTrust } from "../src/apiserver/controllers/authenticationTrust.ts";
import type { ApiServer } from "../src/apiserver/server.ts";
import { R } from "../src/apiserver/client.ts";
import { createAuthority, issueServingCert, type KeyPairPem } from "../src/apiserver/tls/pki.ts";

export type Seen = { method: string; url: string; headers: Record<string, string | string[] | undefined>; user?: string; groups?: string[] };

export type AggregatedServer = {
  port: number;
  ca: KeyPairPem;
  seen: Seen[];
  /** When set, discovery answers this status instead of the resource list. */
  failDiscovery?: number;
  close(): Promise<void>;
};

export const GROUP = "test.example.com";

const RESOURCES = { kind: "APIResourceList", apiVersion: "v1", groupVersion: `${GROUP}/v1`, resources: [{ name: "widgets", singularName: "widget", namespaced: true, kind: "Widget", verbs: ["get", "list"], shortNames: ["wd"] }] };

export async function startAggregatedServer(api: ApiServer, serviceName: string, namespace: string): Promise<AggregatedServer> {
  const trust = await api.client().get(R.configmaps, "kube-system", "extension-apiserver-authentication");
  const rh = requestHeaderFromTrust(trust.data)!;
  const authn = new RequestHeaderAuthenticator(rh);
  const ca = await createAuthority("test-aggregated-ca");
  const serving = await issueServingCert(ca, serviceName, [`${serviceName}.${namespace}.svc`]);
  const state: AggregatedServer = { port: 0, ca, seen: [], close: async () => {} };
  const server: Server = createServer({ ...serving, ca: rh.clientCA, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const user = authn.authenticate(req);
    state.seen.push({ method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers }, user: user?.name, groups: user?.groups });
    const send = (code: number, body: unknown) => res.writeHead(code, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (!user) return send(401, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "Unauthorized", code: 401 });
    const path = (req.url ?? "").split("?")[0];
    if (path === `/apis/${GROUP}/v1`) return state.failDiscovery ? send(state.failDiscovery, {}) : send(200, RESOURCES);
    const widget = { kind: "Widget", apiVersion: `${GROUP}/v1`, metadata: { name: "w1", namespace: "default" }, seenAs: user.name };
    if (path.endsWith("/widgets")) return send(200, { kind: "WidgetList", apiVersion: `${GROUP}/v1`, metadata: {}, items: [widget] });
    return send(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
