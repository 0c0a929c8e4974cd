// One HTTPS request with explicit TLS credentials, read to the end: for tests
// that check exact status codes and headers below what kubectl shows.
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";

export type Credentials = { ca?: string; cert?: string; key?: string; token?: string };

export type HttpsReply = { status: number; headers: IncomingHttpHeaders; text: string; json(): any };

export function httpsCall(
  url: string,
  creds: Credentials,
  opts: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {},
): Promise<HttpsReply> {
  const headers: Record<string, string | string[]> = { Accept: "application/json", ...opts.headers };
  if (creds.token) headers.Authorization = `Bearer ${creds.token}`;
  if (opts.body !== undefined) headers["Content-Type"] ??= "application/json";
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers, ca: creds.ca, cert: creds.cert, key: creds.key, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
