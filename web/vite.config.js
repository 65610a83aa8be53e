// Builds the two pages (the GraphiQL playground and the explore page) into
// dist/, which package web embeds. Everything is bundled: the pages make no
// request to any host but the one that served them.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
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

// gzipAssets writes NAME.gz beside every text asset worth compressing; the
// Go handler sends it to clients that accept gzip, so the server spends no
// CPU on compression.
function gzipAssets() {
  return {
    name: 'newsgraph-gzip-assets',
    apply: 'build',
    closeBundle() {
      const dir = resolve(outDir, 'assets');
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css|svg|json|ttf)$/.test(name)) continue;
        const raw = readFileSync(resolve(dir, name));
        if (raw.length < 1024) continue;
        const gz = gzipSync(raw, { level: 9 });
        if (gz.length < raw.length * 0.9) writeFileSync(resolve(dir, `${name}.gz`), gz);
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [cleanDist(), gzipAssets()],
  build: {
    outDir,
    // dist/.keep must survive so that go:embed always has a directory.
    emptyOutDir: false,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
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
