// Plain HTTPS calls to the cluster a kubeconfig names, with its client
// certificate: for tests that check a Status code, reason and causes, which
// kubectl only prints as text. Works against our server and a real one.
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import { parse } from "yaml";

export type Reply = { status: number; body: any };
export type KubeHttp = (method: string, path: string, body?: unknown, contentType?: string, accept?: string) => Promise<Reply>;

export async function kubeHttp(kubeconfigPath: string): Promise<KubeHttp> {
  const kc = parse(await readFile(kubeconfigPath, "utf8"));
  const ctx = kc.contexts.find((c: any) => c.name === kc["current-context"]).context;
  const cluster = kc.clusters.find((c: any) => c.name === ctx.cluster).cluster;
  const user = kc.users.find((u: any) => u.name === ctx.user).user;
  const b64 = (s: string | undefined) => (s ? Buffer.from(s, "base64") : undefined);
  const tls = {
    ca: b64(cluster["certificate-authority-data"]),
    cert: b64(user["client-certificate-data"]),
    key: b64(user["client-key-data"]),
  };
  const headers = (ct: string): Record<string, string> =>
    user.token ? { "content-type": ct, authorization: `Bearer ${user.token}` } : { "content-type": ct };
  return (method, path, body, contentType = "application/json", accept = "application/json") =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(path, cluster.server),
        { method, ...tls, agent: false, headers: { accept, ...headers(contentType) } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => {
            let parsed: any = text;
            try {
              parsed = JSON.parse(text);
            } catch {}
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on("error", reject);
      req.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
    });
}
