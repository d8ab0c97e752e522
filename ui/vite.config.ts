import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The web UI: built into dist/ui, which `octoflow serve` serves at `/` (src/server/ui-assets.ts). */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../dist/ui", import.meta.url)),
    emptyOutDir: true,
    // Not "assets": /assets is a page of the UI (the asset catalogue).
    assetsDir: "static",
    target: "es2022",
    chunkSizeWarningLimit: 700,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
