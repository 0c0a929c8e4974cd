// Request bodies, read under kube-apiserver's default limit
// (--max-request-body-bytes, 3 MiB). A body over the limit answers 413
// RequestEntityTooLarge "limit is 3145728", as limitedReadBody in
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go does. The rest
// of the body is read and dropped, never left unread under a closed socket,
// so the client gets the 413 instead of "connection reset by peer" and the
// keep-alive connection stays usable (as an HTTP/2 stream reset leaves it
// for kubectl talking to kube-apiserver; Go's HTTP/1.1 server instead ends
// the connection with "Connection: close" after a lingering close).
import type { IncomingMessage } from "node:http";
import { ApiError } from "../registry/errors.ts";

/** kube-apiserver's default request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(c);
        return;
      }
      over = true;
      chunks.length = 0;
      reject(tooLarge());
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function tooLarge(): ApiError {
  return new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${MAX_BODY_BYTES}`);
}
