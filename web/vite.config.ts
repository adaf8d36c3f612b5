import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { appIcons, BRAND_COLOUR } from './build/icons.js';
import { describeInitialJs, initialJs } from './build/initial-js.js';
import { zurichMap } from './build/zurich-map.js';

const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));
const MAP_MODULE = 'virtual:zurich-map';
const page = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The offline base map as a module of its own (loaded with the map, not at start). */
function baseMap(): Plugin {
  return {
    name: 'truinlag-base-map',
    resolveId: (id) => (id === MAP_MODULE ? `\0${MAP_MODULE}` : undefined),
    load: (id) => (id === `\0${MAP_MODULE}` ? `export default ${JSON.stringify(zurichMap())};` : undefined),
  };
}

/** The PNG icons, drawn with sharp at build time (nothing binary is committed). */
function icons(): Plugin {
  return {
    name: 'truinlag-icons',
    async generateBundle() {
      for (const [fileName, source] of await appIcons()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}

/** Writes a gzipped copy beside each text asset: the server sends it to phones that accept gzip. */
function precompress(): Plugin {
  return {
    name: 'truinlag-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        if (!/\.(js|css|html|webmanifest)$/.test(file)) continue;
        const path = join(outDir, file);
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      }
    },
  };
}

/** Prints the start page's JavaScript, gzipped, against the budget. */
function budget(): Plugin {
  return {
    name: 'truinlag-budget',
    apply: 'build',
    closeBundle: () => console.log(describeInitialJs(initialJs(outDir))),
  };
}

/**
 * The player app (issue 10) and the game master's dashboard (issue 13): built into dist/web and served by the
 * engine's HTTP server at `/` and `/admin`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The dashboard runs the catalogue import (src/catalogue-io) in the page: the CSV packages' browser
  // builds bring their own Buffer, which their Node entries take from Node.
  resolve: {
    alias: [
      { find: /^csv-parse\/sync$/, replacement: 'csv-parse/browser/esm/sync' },
      { find: /^csv-stringify\/sync$/, replacement: 'csv-stringify/browser/esm/sync' },
    ],
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    // The game master's dashboard (issue 13) is a second page of the same app, at /admin.
    rollupOptions: { input: { main: page('index.html'), admin: page('admin/index.html') } },
  },
  server: { proxy: { '/pictures': 'http://127.0.0.1:8585', '/app-config.json': 'http://127.0.0.1:8585' } },
  plugins: [
    baseMap(),
    icons(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'TrainLag',
        short_name: 'TrainLag',
        description: 'The TrainLag player app',
        lang: 'de',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: BRAND_COLOUR,
        background_color: BRAND_COLOUR,
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        globIgnores: ['admin/**'],
        navigateFallback: 'index.html',
        // The engine's own HTTP routes are never answered by the shell.
        navigateFallbackDenylist: [/^\/pictures/, /^\/healthz/, /^\/app-config\.json/, /^\/admin/],
        cleanupOutdatedCaches: true,
      },
    }),
    budget(),
    precompress(),
  ],
});
