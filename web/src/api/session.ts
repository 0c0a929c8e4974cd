// The login session: the bearer token and who it is for, in sessionStorage
// (one tab's login; closing the tab forgets it). A 401 from the API clears it
// and sends the user back to the login page.
export type Session = { token: string; expiresAt: string; user: string };

const KEY = "kpanda.session";
const listeners = new Set<(s: Session | undefined) => void>();
let current: Session | undefined = read();

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
  subscribe(fn: (s: Session | undefined) => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};
