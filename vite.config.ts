import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The page is a static build (dist/) that the relay serves. Workers are ES modules,
// so the node's worker can start its mining workers the same way.
export default defineConfig({
  plugins: [react()],
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: true },
  // Relative asset URLs: the same build works at a proxy's path prefix (https://host/relay-a/), docs/deploy.md.
  base: "./",
});
