// pods/log as kube's LogREST streams it (genericrest.LocationStreamer): a GET
// to the kubelet's containerLogs, its body relayed as text/plain while it
// flows (so `follow` streams), and a kubelet error turned into a Status by
// GenericHttpResponseChecker.
import type { IncomingMessage, ServerResponse } from "node:http";
import { openUpstream, ProxyError, type Upstream } from "../../net/proxy.ts";
import { ApiError, badRequest, internalError } from "../registry/errors.ts";

/** What GenericHttpResponseChecker reads of an error body. */
const MAX_ERROR_BODY = 50_000;

export async function relayLogs(res: ServerResponse, podName: string, upstream: Upstream | undefined): Promise<void> {
  if (!upstream) {
    // A pod not on a node yet: an empty log (LocationStreamer without a location).
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "0" });
    res.end();
    return;
  }
  let answer: IncomingMessage;
  try {
    answer = await openUpstream(upstream, { method: "GET", headers: {} });
  } catch (err) {
    // http.Client.Do's *url.Error: `Get "URL": <dial or TLS error>`.
    if (err instanceof ProxyError) throw new ApiError(500, "", `Get "${upstream.url.href}": ${err.message}`);
    throw err;
  }
  const status = answer.statusCode ?? 500;
  if (status < 200 || status > 206) throw await checkResponse(answer, status, podName);
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  answer.pipe(res);
  res.once("close", () => answer.destroy());
  answer.once("error", () => res.destroy());
}

async function readLimited(answer: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_ERROR_BODY) break;
  }
  answer.destroy();
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString("utf8");
}

/** GenericHttpResponseChecker.Check for pods/log. */
async function checkResponse(answer: IncomingMessage, status: number, podName: string): Promise<ApiError> {
  const body = await readLimited(answer);
  if (status === 500) return internalError(body);
  if (status === 400) return badRequest(body);
  return genericServerResponse(status, podName, body);
}

/** apierrors.NewGenericServerResponse(code, "", pods/log, name, body). */
function genericServerResponse(code: number, name: string, body: string): ApiError {
  const known: Record<number, [string, string]> = {
    401: ["Unauthorized", "the server has asked for the client to provide credentials"],
    403: ["Forbidden", "the server does not allow access to the requested resource"],
    404: ["NotFound", "the server could not find the requested resource"],
    405: ["MethodNotAllowed", "the server does not allow this method on the requested resource"],
    409: ["Conflict", "the server reported a conflict"],
    429: ["TooManyRequests", "the server has received too many requests and has asked us to try again later"],
  };
  let [reason, message] = known[code] ?? ["", `the server responded with the status code ${code} but did not return more information`];
  if (!known[code] && code >= 500) {
    reason = "InternalError";
    message = `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`;
  }
  return new ApiError(code, reason, `${message} ( pods/log ${name})`, { name, kind: "pods/log" });
}
