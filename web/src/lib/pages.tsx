// Pages loaded on demand (their own chunks), which the start-up can load
// before the first render. A React.lazy page suspends on its first render
// even when its chunk is in the cache, and React holds back what a suspended
// boundary reveals for up to 300 ms after its fallback showed (its
// FALLBACK_THROTTLE_MS): one page thus cost a fallback and that wait, a
// cluster's nested pages two. A page loaded before it is first mounted
// renders at once; one that is not falls back to React.lazy. A page's module
// may export `prefetch`, which starts the reads its first render makes.
import type { QueryClient } from "@tanstack/react-query";
import { type ComponentType, lazy, useState } from "react";
import type { Params } from "react-router";

export type PageModule<P> = {
  default: ComponentType<P>;
  /** Starts the page's first reads; the promise settles when they have. */
  prefetch?: (client: QueryClient, params: Params, search: URLSearchParams) => Promise<unknown> | undefined;
};
export type Page<P extends object> = ComponentType<P> & { load(): Promise<PageModule<P>> };

export function page<P extends object>(load: () => Promise<PageModule<P>>): Page<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<PageModule<P>> | undefined;
  const get = () =>
    (loading ??= load().then(
      (m) => {
        loaded = m.default;
        return m;
      },
      (e) => {
        loading = undefined;
        throw e;
      },
    ));
  const Lazy = lazy(get);
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page, at module level (App.tsx), never during a render
  function OnDemand(props: P) {
    // Chosen once per mount: a page that mounted lazily stays so, rather than remounting when its chunk arrives.
    const [Loaded] = useState(() => loaded);
    return Loaded ? <Loaded {...props} /> : <Lazy {...props} />;
  }
  return Object.assign(OnDemand, { load: get });
}
