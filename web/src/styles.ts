// The console's stylesheet. index.html only preloads it (vite.config.ts);
// boot.ts applies it once it has asked for everything else, so that parsing
// PatternFly's 1.3 MB of CSS (100-200 ms on a first visit) happens while the
// scripts download rather than before boot.ts may run. main.tsx renders
// only once it is applied (beside a served page: loaded, and applied in the
// console's first commit), so no page shows unstyled.
let applied: Promise<void> | undefined;

/** A media query no screen matches: the sheet loads, but applies to nothing. */
const HELD = "not all";

export function applyStyles(): Promise<void> {
  applied ??= new Promise((resolve) => {
    const preload = document.querySelector<HTMLLinkElement>('link[rel="preload"][as="style"]');
    // A page kpanda serve rendered with styles of its own names the sheet instead of preloading it.
    const served = document.getElementById("kpanda-ssr-styles")?.dataset.sheet;
    // Applied already: a page kpanda serve rendered without styles of its own links the stylesheet
    // itself (src/ssr/), and the development server brings styles with the modules that import them.
    const href = preload?.href ?? served;
    if (!href) return resolve();
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.crossOrigin = preload?.crossOrigin ?? "anonymous";
    link.href = href;
    // Beside a served page, loaded now and applied as the console's first commit replaces the page
    // (swapServedStyles): applied at once, it restyled and laid out the served page, about to go.
    if (served) link.media = HELD;
    // A stylesheet that failed to load leaves the console usable, if plain: render anyway.
    link.onload = link.onerror = () => resolve();
    document.head.append(link);
  });
  return applied;
}

/**
 * Swaps the styles a served page carried (src/platform/http/criticalStyles.ts), a part of the sheet's,
 * for the whole sheet. main.tsx calls it as its first commit replaces the served page, so that the
 * page is restyled and laid out once for both.
 */
export function swapServedStyles(): void {
  for (const link of document.querySelectorAll<HTMLLinkElement>(`link[rel="stylesheet"][media="${HELD}"]`)) link.removeAttribute("media");
  document.getElementById("kpanda-ssr-styles")?.remove();
}
