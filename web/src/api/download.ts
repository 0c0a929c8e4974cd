// Downloads through the API (a kubeconfig): the body saved as a file by the
// browser. Apart from client.ts, which runs anywhere, because it needs a DOM.
import { apiFetch, type Query } from "./client.ts";

/** Saves a response body as a file (a kubeconfig), named by its Content-Disposition or `fallback`. */
export async function download(path: string, query: Query, fallback: string): Promise<void> {
  const res = await apiFetch("GET", path, { query, headers: { accept: "*/*" } });
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
