import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { builtWebApp } from './built-app.js';
import { webApp } from '../../src/server/web-app.js';

describe('the engine serves the player app', () => {
  let server: TestServer;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    dir = builtWebApp();
    server = await startTestServer({ staticApp: webApp({ tileUrl: null }) });
    base = server.url.replace('ws://', 'http://');
  });
  afterAll(() => server.stop());

  it('answers / with the app shell, revalidated on every load', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="app">');
  });

  it('caches hashed assets for good and revalidates the service worker', async () => {
    const asset = readdirSync(join(dir, 'assets')).find((f) => f.endsWith('.js'));
    const res = await fetch(`${base}/assets/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
  });

  it('falls back to the shell for pages the browser opens, and keeps the engine routes and 404s', async () => {
    const page = await fetch(`${base}/some/screen`, { headers: { accept: 'text/html,*/*' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    expect((await fetch(`${base}/some/screen`)).status).toBe(404);
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true });
    expect((await fetch(`${base}/assets/missing-file.js`)).status).toBe(404);
    expect((await fetch(`${base}/pictures/1`)).status).toBe(401);
  });

  it('is an installable app: a manifest with PNG icons of the sizes it names', async () => {
    const manifest = (await (await fetch(`${base}/manifest.webmanifest`)).json()) as {
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/', display: 'standalone' });
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const res = await fetch(`${base}/${icon.src}`);
      expect(res.headers.get('content-type')).toBe('image/png');
      const { width, height, format } = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect({ format, size: `${width}x${height}` }).toEqual({ format: 'png', size: icon.sizes });
    }
  });

  it('tells the app its config: no tile server unless one is configured', async () => {
    expect(await (await fetch(`${base}/app-config.json`)).json()).toEqual({ tileUrl: null });
  });
});
