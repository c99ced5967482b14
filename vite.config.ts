import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// The page is a static build (dist/) that the relay serves. Workers are ES modules,
// so the node's worker can start its mining workers the same way.
// Paths are relative (base "./"): the page, its service worker (scope "./") and
// its manifest work wherever the relay mounts them, at the root or under a proxy's path prefix (docs/deploy.md).
export default defineConfig({
  base: "./",
  plugins: [
    react(),
    VitePWA({
      // The page asks before taking a new build (UpdateNotice), so a reload never swaps the app under a running node.
      registerType: "prompt",
      injectRegister: false,
      scope: "./",
      manifest: {
        name: "Tabnode: JeChain wallet and node",
        short_name: "Tabnode",
        description: "A wallet and full node of the JeChain network in a web page",
        start_url: "./",
        scope: "./",
        display: "standalone",
        background_color: "#f4f5f7",
        theme_color: "#2457c5",
        icons: [
          { src: "icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
        ],
      },
      workbox: {
        // The app shell whole: page, script chunks, the node's, miners' and verifiers' workers, and their wasm.
        globPatterns: ["**/*.{html,js,css,wasm,svg,png,webmanifest}"],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: "index.html",
        // The relay's own endpoints are never the app shell.
        navigateFallbackDenylist: [/\/api\//, /\/peer\//],
        cleanupOutdatedCaches: true,
        // The first visit is served by the worker as soon as it is active, so a reload without network works from the
        // start. (A new build still waits for the person: registerType "prompt", no skipWaiting.)
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: true },
});
