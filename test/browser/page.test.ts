import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';
import { traceHashOf } from '../../src/core/trace-hash';
import { PRESETS } from '../../src/core/scenario/presets';

describe('the lab page', () => {
  let server: Preview;
  let lab: LabBrowser;

  beforeAll(async () => {
    server = await startPreview();
    lab = await launchBrowser();
    await lab.page.goto(server.url, { waitUntil: 'load' });
    await lab.page.waitForFunction(() => window.__lab?.ready === true, undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await lab?.close();
    await server?.close();
  });

  it('loads without console errors', () => {
    expect(lab.errors).toEqual([]);
  });

  it('shows the title and the bilingual tagline', async () => {
    expect(await lab.page.title()).toBe('LVS Lab');
    expect(await lab.page.locator('h1').innerText()).toBe('LVS Lab');
    expect(await lab.page.locator('.tagline [lang="en"]').innerText()).toMatch(/Linux Virtual Server/);
    expect(await lab.page.locator('.tagline [lang="zh-CN"]').innerText()).toMatch(/Linux 虚拟服务器/);
  });

  it('draws the topology on the canvas (read back through pixi)', async () => {
    const summary = await lab.page.evaluate(() => {
      const lab = window.__lab;
      if (!lab) throw new Error('window.__lab missing');
      const { width, height, pixels } = lab.pixels();
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length && colours.size < 64; i += 4) {
        colours.add(((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0));
      }
      return { width, height, distinct: colours.size, nodes: lab.stage?.layout?.nodes.length ?? 0 };
    });
    expect(summary.width).toBeGreaterThan(100);
    expect(summary.height).toBeGreaterThan(100);
    expect(summary.nodes).toBe(10);
    expect(summary.distinct).toBeGreaterThan(1);
  });

  it('runs the DR lab: time advances and requests are answered by the real servers', async () => {
    await lab.page.waitForFunction(() => Number(document.querySelector('[data-testid="requests-ok"]')?.textContent) >= 3, undefined, {
      timeout: 20_000,
    });
    const servers = await lab.page.locator('[data-testid="server-count"]').allInnerTexts();
    expect(servers.length).toBeGreaterThanOrEqual(2);
    expect(servers.join(' ')).toMatch(/rs\d: \d+/);
  });

  it('gives the same trace hash as Node for the same preset and seed', async () => {
    for (const [preset, seed] of [['dr', 1], ['nat', 5], ['tun', 9]] as const) {
      const inBrowser = await lab.page.evaluate(([p, s]) => window.__lab!.traceHash(p, 5, s), [preset, seed] as const);
      const inNode = traceHashOf({ ...PRESETS[preset]!(), seed }, 5_000_000);
      expect(inBrowser.events).toBeGreaterThan(1000);
      expect(inBrowser).toEqual(inNode);
    }
  });

  it('has a canvas inside the labelled topology figure', async () => {
    const stage = lab.page.locator('.stage[role="img"]');
    expect(await stage.getAttribute('aria-label')).toContain('director');
    expect(await stage.locator('canvas').count()).toBe(1);
  });
});
