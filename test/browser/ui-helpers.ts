/**
 * Helpers for the UI's end-to-end tests: open the page (optionally at a link), wait for the
 * lab, read panels, run axe-core inside the page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { LabBrowser } from './harness';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export async function openLab(lab: LabBrowser, url: string, opts: { stage?: boolean } = {}): Promise<void> {
  await lab.page.goto(url, { waitUntil: 'load' });
  await waitReady(lab.page, opts);
}

export async function waitReady(page: Page, opts: { stage?: boolean } = {}): Promise<void> {
  await page.waitForFunction(() => window.__lab?.uiReady === true, undefined, { timeout: 30_000 });
  if (opts.stage !== false) await page.waitForFunction(() => window.__lab?.ready === true, undefined, { timeout: 30_000 });
}

/** Simulated time now, µs. */
export function simNow(page: Page): Promise<number> {
  return page.evaluate(() => window.__lab!.ui.ctl.session.now);
}

export async function pause(page: Page): Promise<void> {
  if (await page.evaluate(() => window.__lab!.ui.ctl.playing)) await page.getByRole('button', { name: 'Pause', exact: true }).click();
}

export async function play(page: Page): Promise<void> {
  if (!(await page.evaluate(() => window.__lab!.ui.ctl.playing))) await page.getByRole('button', { name: 'Play', exact: true }).click();
}

/** Run the lab until simulated time passes `us` (plays at 10×, then pauses). */
export async function runFor(page: Page, us: number): Promise<void> {
  const until = (await simNow(page)) + us;
  await page.getByTestId('speed').selectOption('10');
  await play(page);
  await page.waitForFunction((u) => window.__lab!.ui.ctl.session.now >= u, until, { timeout: 60_000, polling: 100 });
  await pause(page);
}

/** New connections per real server so far (dest.stats.conns, by node). */
export function connsByServer(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const ui = window.__lab!.ui;
    const out: Record<string, number> = {};
    for (const s of ui.controls.servers) out[s.name] = 0;
    const lab = ui.ctl.lab;
    const d = [...lab.nodes.values()].find((n) => n.ipvs);
    for (const dest of d?.ipvs?.services[0]?.dests ?? []) {
      const name = ui.controls.servers.find((s) => s.dest?.ip === [24, 16, 8, 0].map((b) => (dest.addr >>> b) & 255).join('.'))?.name;
      if (name) out[name] = dest.stats.conns;
    }
    return out;
  });
}

/** Answered requests per server (the clients' view). */
export function answeredByServer(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => Object.fromEntries(window.__lab!.ui.ctl.lab.traffic?.stats.byServer ?? []));
}

export async function openTab(page: Page, name: RegExp | string): Promise<void> {
  await page.getByRole('tab', { name, exact: true }).click();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ passes: unknown[]; violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    // A run that checked nothing would pass silently: make sure the rules ran.
    if (r.passes.length < 10) throw new Error(`axe ran only ${r.passes.length} passing rules`);
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
}
