// The console's build: web/ → web/dist, served by `kpanda serve` at /. In
// development (`npx vite --config web/vite.config.ts`), API calls go to a
// platform on KPANDA_URL (default http://127.0.0.1:8080).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const target = process.env.KPANDA_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/apis": target, "/k8s": target, "/openapi.json": target },
  },
});
