// The login session: the bearer token and who it is for, in sessionStorage.
// Login also sets an HttpOnly session cookie, which only the console's own
// pages read (kpanda serve renders the first page of a visit with it, and
// hands the session to a tab that has none: ssr/adopt.ts); closing the
// browser forgets it, logging out clears it. A 401 from the API clears the
// session and sends the user back to the login page.
export type Session = { token: string; expiresAt: string; user: string };

const KEY = "kpanda.session";
const listeners = new Set<(s: Session | undefined) => void>();
let current: Session | undefined = read();
/** kpanda serve's render of a first page: the session of the request being rendered (ssr/render.tsx). */
let serverSession: (() => Session | undefined) | undefined;

function read(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expiresAt) > Date.now() ? s : undefined;
  } catch {
    return undefined;
  }
}

export const session = {
  get(): Session | undefined {
    if (serverSession) return serverSession();
    if (current && Date.parse(current.expiresAt) <= Date.now()) session.clear();
    return current;
  },
  set(s: Session): void {
    current = s;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(s));
    } catch {
      // Storage refused (private mode quotas): the session lives in memory.
    }
    for (const l of listeners) l(s);
  },
  clear(): void {
    const had = current !== undefined;
    current = undefined;
    try {
      sessionStorage.removeItem(KEY);
    } catch {}
    if (had) for (const l of listeners) l(undefined);
  },
  /** On the server only: where get() finds the session of the request being rendered. */
  serveFrom(fn: () => Session | undefined): void {
    serverSession = fn;
  },
  subscribe(fn: (s: Session | undefined) => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
