// The console's build: web/ → web/dist, served by `kpanda serve` at /. In
// development (`npx vite --config web/vite.config.ts`), API calls go to a
// platform on KPANDA_URL (default https://127.0.0.1:8080, as `npm start`
// runs it), trusting the CA in KPANDA_CA (default data/kpanda/pki/ca.crt,
// the CA `kpanda serve` makes in its data dir).
import { existsSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const target = process.env.KPANDA_URL ?? "https://127.0.0.1:8080";
const caFile = process.env.KPANDA_CA ?? join(import.meta.dirname, "..", "data", "kpanda", "pki", "ca.crt");
const agent = target.startsWith("https:") && existsSync(caFile) ? new Agent({ ca: readFileSync(caFile), keepAlive: true }) : undefined;
const upstream = { target, agent };

/**
 * index.html as boot.ts wants it. The entry becomes an async module script:
 * a deferred one, as Vite writes it, runs only once the stylesheet is loaded
 * and parsed (the HTML rule for scripts after a style sheet that blocks
 * scripts). The stylesheet is only preloaded: boot.ts applies it
 * (src/styles.ts) once it has asked for the scripts, whose download the
 * parsing then overlaps.
 */
const bootHtml: Plugin = {
  name: "kpanda-boot-html",
  apply: "build",
  transformIndexHtml: {
    order: "post",
    handler: (html) => {
      const edits: [RegExp, string][] = [
        [/<script type="module" crossorigin src=/, '<script type="module" async crossorigin src='],
        [/<link rel="stylesheet" crossorigin href=/, '<link rel="preload" as="style" crossorigin href='],
      ];
      for (const [from, to] of edits) {
        // A Vite that writes these tags otherwise would leave the start-up as slow as before, unnoticed.
        if (!from.test(html)) throw new Error(`kpanda-boot-html: index.html has no ${from.source}; Vite's output changed`);
        html = html.replace(from, to);
      }
      return html;
    },
  },
};

/**
 * What every page runs, in one chunk: React, the router, the query client and
 * translations, and the console's own shared modules, except the editors,
 * terminal and charts, which stay with the pages that use them.
 */
const APP =
  /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next)[\\/]|[\\/]web[\\/]src[\\/](api|kinds[\\/](?!resources|crds)|lib|layout|i18n|components[\\/](?!CodeEditor|schemaCompletion|DiffView))/;

/**
 * Leaves out PatternFly's rules for the themes the console never turns on
 * (dark, high contrast, felt, glass, Red Hat: classes on <html>), about 12 %
 * of its CSS, which every first visit downloads and parses.
 */
const UNUSED_THEME = /\.pf-v6-theme-(dark|high-contrast|felt|glass|redhat)\b/;
const dropUnusedThemes = {
  postcssPlugin: "kpanda-drop-unused-themes",
  Rule(rule: { selectors: string[]; remove(): void }) {
    if (!rule.selectors.some((s) => UNUSED_THEME.test(s))) return;
    const kept = rule.selectors.filter((s) => !UNUSED_THEME.test(s));
    if (kept.length) rule.selectors = kept;
    else rule.remove();
  },
};

/**
 * kpanda serve's renderer of first pages (web/src/ssr/render.tsx) for Node:
 * everything bundled in (PatternFly's packages are not all loadable by Node
 * as they are published), React's production build, no styles.
 */
const serverRender = defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  ssr: { noExternal: true, target: "node" },
  build: {
    ssr: "src/ssr/render.tsx",
    outDir: "dist-ssr",
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    rolldownOptions: { output: { codeSplitting: false } },
  },
});

const browser = defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react(), bootHtml],
  css: { postcss: { plugins: [dropUnusedThemes] } },
  build: {
    // KPANDA_WEB_MINIFY=0 keeps names readable when chasing an error seen in a browser test.
    minify: process.env.KPANDA_WEB_MINIFY !== "0",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // One stylesheet, in the page's head, instead of one per lazily loaded chunk: each chunk's
    // sheet arrived later and restyled the whole page again (PatternFly's rules make a restyle
    // costly), and the chunk waited for it. bench/console.ts, first visit: 1.5-1.9 -> 1.0-1.5 s.
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        // PatternFly's components in one chunk, loaded with the main one, instead of some forty
        // small chunks each page fetched after the main one had run (six at a time over HTTP/1.1).
        codeSplitting: {
          groups: [
            { name: "patternfly", test: /[\\/]node_modules[\\/]@patternfly[\\/]react-(core|table|icons)[\\/]/ },
            { name: "app", test: APP },
            // What boot.ts needs before the rest (and Vite's helper that preloads a dynamic import's
            // chunks): kept out of "app", which would otherwise take it in as a dependency.
            { name: "boot", test: /[\\/]web[\\/]src[\\/]api[\\/](client|session|paths|early|ApiError)\.ts$|[\\/]web[\\/]src[\\/](styles|ssr[\\/]adopt)\.ts$|preload-helper/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: { "/apis": upstream, "/k8s": upstream, "/openapi.json": upstream },
  },
});

export default defineConfig(({ isSsrBuild }) => (isSsrBuild ? serverRender : browser));
