/**
 * The page's first screen: how long until the DR lab runs, and how much JavaScript it
 * took (gzip, as a server would send it). xterm and uPlot must not be part of it.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';

let server: Preview;
let lab: LabBrowser;

beforeAll(async () => {
  server = await startPreview();
  lab = await launchBrowser();
});

afterAll(async () => {
  await lab?.close();
  await server?.close();
});

describe('first screen', () => {
  it('opens the running DR lab quickly, without the lazy panels', async () => {
    const scripts = new Map<string, number>();
    const times: number[] = [];
    // Each run in a fresh context: cold cache, no saved lab (the default DR lab opens and runs).
    for (let i = 0; i < 3; i++) {
      const context = await lab.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      if (i === 0) {
        page.on('response', async (res) => {
          if (!res.url().endsWith('.js')) return;
          const body = await res.body().catch(() => undefined);
          if (body) scripts.set(res.url().replace(/^.*\/assets\//, ''), gzipSync(body, { level: 9 }).length);
        });
      }
      const t0 = Date.now();
      await page.goto(server.url, { waitUntil: 'load' });
      await page.waitForFunction(() => window.__lab?.ready === true && window.__lab.ui.ctl.playing, undefined, { timeout: 30_000, polling: 20 });
      times.push(Date.now() - t0);
      await context.close();
    }
    const median = [...times].sort((a, b) => a - b)[1]!;
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    const entry = [...scripts.entries()].filter(([k]) => k.startsWith('index-')).reduce((a, [, b]) => a + b, 0);
    console.log(`first screen: ${median} ms (runs ${times.join(', ')}); JS gzip ${(total / 1024).toFixed(1)} kB, entry ${(entry / 1024).toFixed(1)} kB`);
    console.log([...scripts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${(v / 1024).toFixed(1)} kB ${k}`).join('\n'));
    expect(median).toBeLessThan(1500);
    expect([...scripts.keys()].some((k) => /Terminal|Charts|Statecharts/.test(k))).toBe(false);
  });
});
