/**
 * The lab canvas in Chromium: packets move while the lab plays and stand still when it is
 * paused (read back through pixi), a click on a packet selects its trace event with full
 * headers, the wheel zooms, and nothing reaches the console.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';
import type { LabStage } from '../../src/render/stage';

/** The page's handle, typed as this module's stage (main.ts may type it more loosely). */
type Page = { __lab: { ready: boolean; stage: LabStage } };

/** Pixels that differ between two reads of the canvas (RGBA, compared per pixel). */
const DIFF = `(a, b) => { let n = 0; for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++; return n; }`;

describe('the lab canvas', () => {
  let server: Preview;
  let lab: LabBrowser;

  beforeAll(async () => {
    server = await startPreview();
    lab = await launchBrowser();
    await lab.page.goto(server.url, { waitUntil: 'load' });
    await lab.page.waitForFunction(() => (window as unknown as Partial<Page>).__lab?.ready === true, undefined, { timeout: 30_000 });
  });

  afterAll(async () => {
    await lab?.close();
    await server?.close();
  });

  it('shows packets moving while the lab plays, and none moving while paused', async () => {
    const page = lab.page;
    await page.evaluate(() => {
      const s = (window as unknown as Page).__lab.stage;
      s.setSpeed(1);
      s.play();
    });
    await page.waitForFunction(() => (window as unknown as Page).__lab.stage.visiblePackets().length > 0, undefined, { timeout: 20_000 });
    const moving = await page.evaluate(`(async () => {
      const s = window.__lab.stage;
      const a = s.pixels().pixels.slice();
      await new Promise((r) => setTimeout(r, 250));
      const b = s.pixels().pixels;
      return { diff: (${DIFF})(a, b), time: s.displayTime };
    })()`);
    expect((moving as { diff: number }).diff).toBeGreaterThan(20);

    const still = (await page.evaluate(`(async () => {
      const s = window.__lab.stage;
      s.pause();
      await new Promise((r) => setTimeout(r, 200));
      const t0 = s.displayTime;
      const a = s.pixels().pixels.slice();
      await new Promise((r) => setTimeout(r, 400));
      const b = s.pixels().pixels;
      return { diff: (${DIFF})(a, b), t0, t1: s.displayTime, ticker: window.__lab.app.ticker.started };
    })()`)) as { diff: number; t0: number; t1: number; ticker: boolean };
    expect(still.diff).toBe(0);
    expect(still.t1).toBe(still.t0);
    expect(still.ticker).toBe(false);
  });

  it('selects a packet clicked on the canvas, with its headers', async () => {
    const page = lab.page;
    await page.evaluate(() => (window as unknown as Page).__lab.stage.play());
    await page.waitForFunction(() => (window as unknown as Page).__lab.stage.visiblePackets().length > 0, undefined, { timeout: 20_000 });
    const target = await page.evaluate(() => {
      const s = (window as unknown as Page).__lab.stage;
      s.pause();
      const w = window as unknown as { __picked: unknown[] };
      w.__picked = [];
      s.onSelect((sel) => w.__picked.push(sel));
      const p = s.visiblePackets()[0]!;
      return { x: p.x, y: p.y };
    });
    const box = await page.locator('.stage canvas').boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.click(box!.x + target.x, box!.y + target.y);
    const picked = await page.evaluate(() => {
      const sel = (window as unknown as { __picked: { kind: string; event?: { type: string; link: string; frame: { len: number; ip?: { src: number; dst: number; ttl: number; l4: { kind: string } }; arp?: unknown } } }[] }).__picked[0];
      return sel ? { kind: sel.kind, type: sel.event?.type, link: sel.event?.link, len: sel.event?.frame.len, l4: sel.event?.frame.ip?.l4.kind ?? (sel.event?.frame.arp ? 'arp' : undefined), ttl: sel.event?.frame.ip?.ttl } : null;
    });
    expect(picked?.kind).toBe('packet');
    expect(picked?.type).toBe('link.tx');
    expect(picked?.link).toMatch(/:/);
    expect(picked?.len).toBeGreaterThan(0);
    expect(picked?.l4).toBeDefined();
  });

  it('zooms with the mouse wheel', async () => {
    const page = lab.page;
    const box = (await page.locator('.stage canvas').boundingBox())!;
    const before = await page.evaluate(() => (window as unknown as Page).__lab.stage.zoom);
    const a = await page.evaluate(() => Array.from((window as unknown as Page).__lab.stage.pixels().pixels.slice(0, 4)));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((z) => (window as unknown as Page).__lab.stage.zoom > z, before, { timeout: 5_000 });
    const after = await page.evaluate(() => (window as unknown as Page).__lab.stage.zoom);
    expect(after).toBeGreaterThan(before * 1.2);
    expect(a).toHaveLength(4);
    await page.evaluate(() => (window as unknown as Page).__lab.stage.resetView());
    expect(await page.evaluate(() => (window as unknown as Page).__lab.stage.zoom)).toBe(1);
  });

  it('reports its frame rate and keeps the console clean', async () => {
    const stats = await lab.page.evaluate(() => (window as unknown as Page).__lab.stage.stats());
    expect(stats.firstFrameAt).not.toBeNull();
    expect(stats.ingested).toBeGreaterThan(0);
    expect(lab.errors).toEqual([]);
  });
});
