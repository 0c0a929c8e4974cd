// GETs started by boot.ts before the rest of the console has loaded, each
// handed once to the first reader that asks for its path (main.tsx's first
// GET /me), so that the answer is there when React first renders.
import { get } from "./client.ts";

const started = new Map<string, Promise<unknown>>();

export function startEarly(path: string): void {
  const p = get(path);
  // Left untaken (its reader went another way), a failure would be an unhandled rejection.
  p.catch(() => {});
  started.set(path, p);
}

/** The early GET of `path`, once; undefined when none was started or it was taken. */
export function takeEarly<T>(path: string): Promise<T> | undefined {
  const p = started.get(path);
  started.delete(path);
  return p as Promise<T> | undefined;
}
