// Builds the two pages (the GraphiQL playground and the explore page) into
// dist/, which package web embeds. Everything is bundled: the pages make no
// request to any host but the one that served them.
import { readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const outDir = resolve(import.meta.dirname, 'dist');

// cleanDist empties dist/ before a build but keeps dist/.keep, the committed
// file that lets go:embed compile before the pages are built (Vite's own
// emptyOutDir would delete it).
function cleanDist() {
  return {
    name: 'newsgraph-clean-dist',
    apply: 'build',
    buildStart() {
      for (const name of readdirSync(outDir)) {
        if (name !== '.keep') rmSync(resolve(outDir, name), { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [cleanDist()],
  build: {
    outDir,
    // dist/.keep must survive so that go:embed always has a directory.
    emptyOutDir: false,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
    rollupOptions: {
      // React libraries mark modules "use client"; that means nothing in a
      // plain browser bundle, so the warning is noise.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        explore: resolve(import.meta.dirname, 'explore.html'),
      },
    },
  },
  worker: { format: 'es' },
  server: {
    // `npm run dev` proxies the API to a local `newsgraph serve`.
    proxy: { '/graphql': 'http://127.0.0.1:8080' },
  },
});
