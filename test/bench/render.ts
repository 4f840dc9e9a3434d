/**
 * Browser benchmark of the lab canvas: builds the page, serves it with `vite preview`, and
 * measures in the system Chromium (software GL on the project's machines, see STACK.md):
 *
 * - time to the first animated frame (the stage's first ticker frame while playing);
 * - the JavaScript loaded by then, gzip-compressed as a server would send it (entry chunk
 *   and the lazily loaded canvas chunks, pixi.js included);
 * - median frames per second over `seconds`, counted with requestAnimationFrame inside the
 *   page: paused (what the machine gives an idle page), the default DR lab with its light
 *   traffic at 1×, and ~2,000 new connections/s: the DR preset's session traffic raised to
 *   1,000 sessions/s (`session.apply({type:'traffic', rate: 1000})`), which settles at about
 *   1,970 new connections/s (measured in Node over 5–10 s; the bench prints what it got).
 *
 * Standalone:   npx tsx test/bench/render.ts [--no-build] [--json] [--seconds 5]
 * From code:    import { benchRender } from './render'; (await benchRender()).results
 * It is not in `npm run bench` because that bundle runs in plain Node without Vite or a
 * browser; the lead can call benchRender() from a tsx-run script.
 *
 * The machines are shared and noisy: quote medians and compare with the paused baseline.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { launchBrowser, startPreview, ROOT } from '../browser/harness';
import type { BenchResult } from './schedulers';

export interface RenderBenchOptions {
  build?: boolean;
  seconds?: number;
  /** Sessions per second for the heavy run (1,000 ≈ 1,970 new connections/s at steady state). */
  heavySessions?: number;
}

export interface RenderBench {
  results: BenchResult[];
  targets: { name: string; ok: boolean }[];
}

interface FpsSample {
  fps: number;
  slowFrameMs: number;
  simSpeed: number;
  frames: number;
  stats: Record<string, unknown>;
  conns: number;
}

/**
 * Runs in the page: count animation frames for `ms` and return the median frame rate
 * (1000 / median interval), the stage's stats and the connection rate. Kept as source text:
 * tsx would wrap a compiled function in helpers that do not exist in the page.
 */
const MEASURE_IN_PAGE = `(ms) => {
  const stage = window.__lab.stage;
  let conns = 0;
  const d0 = stage.displayTime;
  const off = stage.session.lab.world.trace.subscribe((e) => {
    if (e.type === 'ctl' && e.what === 'ipvs.schedule') conns++;
  });
  return new Promise((resolve) => {
    const gaps = [];
    let t0 = 0;
    let last = 0;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      if (now - t0 < ms) requestAnimationFrame(tick);
      else {
        off();
        // Frames in each whole second, then the median of those counts.
        const perSecond = [];
        let acc = 0;
        let n = 0;
        for (const g of gaps) {
          acc += g;
          n++;
          if (acc >= 1000) {
            perSecond.push((n * 1000) / acc);
            acc = 0;
            n = 0;
          }
        }
        perSecond.sort((a, b) => a - b);
        const sorted = [...gaps].sort((a, b) => a - b);
        const wall = (now - t0) / 1000;
        resolve({
          fps: Math.round((perSecond[perSecond.length >> 1] ?? 0) * 10) / 10,
          slowFrameMs: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
          frames: gaps.length,
          stats: stage.stats(),
          conns: conns / wall,
          simSpeed: (stage.displayTime - d0) / 1e6 / wall,
        });
      }
    };
    requestAnimationFrame((now) => {
      t0 = last = now;
      requestAnimationFrame(tick);
    });
  });
}`;

export async function benchRender(opts: RenderBenchOptions = {}): Promise<RenderBench> {
  const seconds = opts.seconds ?? 5;
  if (opts.build !== false) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const server = await startPreview();
  const lab = await launchBrowser();
  const results: BenchResult[] = [];
  const page = lab.page;
  try {
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction('window.__lab?.ready === true && window.__lab.stage.stats().firstFrameAt !== null', undefined, { timeout: 30_000 });

    const first = (await page.evaluate(`(() => {
      const st = window.__lab.stage.stats();
      const js = performance.getEntriesByType('resource')
        .filter((e) => e.name.endsWith('.js') && e.startTime <= st.firstFrameAt)
        .map((e) => new URL(e.name).pathname);
      const marks = Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('lab-stage:')).map((m) => [m.name.slice(10), m.startTime]));
      const nav = performance.getEntriesByType('navigation')[0];
      return { ...st, js, marks, domContentLoaded: nav ? nav.domContentLoadedEventEnd : NaN };
    })()`)) as { firstFrameAt: number; firstPacketAt: number | null; js: string[]; marks: Record<string, number>; domContentLoaded: number };
    results.push({ name: 'time to first animated frame (from navigation start)', value: Math.round(first.firstFrameAt), unit: 'ms' });
    results.push({ name: '  of which: page loaded (DOMContentLoaded)', value: Math.round(first.domContentLoaded), unit: 'ms' });
    for (const [k, label] of [['start', 'stage module starts'], ['pixi-loaded', 'pixi.js loaded'], ['renderer-ready', 'WebGL renderer ready']] as const) {
      if (first.marks[k] !== undefined) results.push({ name: `  of which: ${label}`, value: Math.round(first.marks[k]), unit: 'ms' });
    }
    if (first.firstPacketAt !== null) results.push({ name: 'time to first packet drawn', value: Math.round(first.firstPacketAt), unit: 'ms' });

    // JS by then, gzip -9 of each file as served from dist/ (vite preview itself does not compress).
    const entryHtml = readFileSync(join(ROOT, 'dist', 'index.html'), 'utf8');
    const entry = [...entryHtml.matchAll(/src="\/(assets\/[^"]+\.js)"/g)].map((m) => `/${m[1]}`);
    const files = [...new Set([...entry, ...first.js])];
    let entryKb = 0;
    let canvasKb = 0;
    for (const f of files) {
      const kb = gzipSync(readFileSync(join(ROOT, 'dist', f)), { level: 9 }).length / 1024;
      if (entry.includes(f)) entryKb += kb;
      else canvasKb += kb;
    }
    results.push({ name: 'JS gzip, entry chunk(s) (page shell: UI + core)', value: Math.round(entryKb), unit: 'kB' });
    results.push({ name: 'JS gzip, loaded lazily before the first frame (canvas + pixi)', value: Math.round(canvasKb), unit: 'kB' });
    results.push({ name: 'JS gzip, total for the first screen', value: Math.round(entryKb + canvasKb), unit: 'kB' });

    const run = async (label: string, setup: string) => {
      await page.evaluate(setup);
      await page.waitForTimeout(1500);
      const s = (await page.evaluate(`(${MEASURE_IN_PAGE})(${seconds * 1000})`)) as FpsSample;
      results.push({ name: `median fps, ${label}`, value: s.fps, unit: 'fps' });
      results.push({ name: `  95th percentile frame time`, value: s.slowFrameMs, unit: 'ms' });
      return s;
    };

    const perFrame = (label: string, x: FpsSample) => {
      results.push({ name: `  per frame (${label}): lab run, all trace listeners included`, value: Number(x.stats.coreMs), unit: 'ms' });
      results.push({ name: `  per frame (${label}): scene model + painter`, value: Number(x.stats.drawMs), unit: 'ms' });
      results.push({ name: `  per frame (${label}): pixi render (main thread)`, value: Number(x.stats.renderMs), unit: 'ms' });
    };
    const stage = 'window.__lab.stage';
    await run('paused (idle page baseline)', `${stage}.pause()`);
    const light = await run('default DR lab, light traffic, 1×', `${stage}.setSpeed(1); ${stage}.play()`);
    results.push({ name: 'packets drawn (light)', value: Number(light.stats.packets), unit: 'sprites' });
    perFrame('light', light);
    const sessions = opts.heavySessions ?? 1000;
    // Sessions ramp up over their think time: let the connection rate settle first.
    await page.evaluate(`${stage}.session.apply({ type: 'traffic', rate: ${sessions} })`);
    await page.waitForTimeout(4000);
    const heavy = await run(`DR lab, ${sessions} sessions/s (~2,000 conn/s), 1×`, '0');
    results.push({ name: 'new connections/s achieved (heavy, wall clock)', value: Math.round(heavy.conns), unit: 'conn/s' });
    results.push({ name: 'streams drawn (heavy)', value: Number(heavy.stats.streams), unit: 'streams' });
    results.push({ name: 'packets drawn (heavy)', value: Number(heavy.stats.packets), unit: 'sprites' });
    perFrame('heavy', heavy);
    results.push({ name: 'simulated speed achieved (heavy; 1× asked)', value: Math.round(heavy.simSpeed * 100) / 100, unit: '×' });
    const fast = await run(`DR lab, ${sessions} sessions/s, 10× asked`, `${stage}.setSpeed(10)`);
    results.push({ name: 'simulated speed achieved at 10× (governor)', value: Math.round(fast.simSpeed * 100) / 100, unit: '×' });
    await page.evaluate(`${stage}.setSpeed(1)`);
    if (lab.errors.length) results.push({ name: `console errors (${lab.errors[0]})`, value: lab.errors.length, unit: 'errors' });

    const v = (prefix: string) => results.find((r) => r.name.startsWith(prefix))?.value ?? NaN;
    const targets = [
      { name: 'median fps ≥ 55, default lab', ok: v('median fps, default') >= 55 },
      { name: 'median fps ≥ 30, ~2,000 conn/s', ok: v('median fps, DR lab,') >= 30 },
      { name: 'first-screen JS ≤ 250 kB gzip', ok: v('JS gzip, total') <= 250 },
      { name: 'first animated frame ≤ 1.5 s', ok: v('time to first animated frame') <= 1500 },
    ];
    return { results, targets };
  } finally {
    await lab.close();
    await server.close();
  }
}

const isMain = process.argv[1] !== undefined && /test[\\/]bench[\\/]render\.(ts|mjs|js)$/.test(process.argv[1]);
if (isMain) {
  const args = process.argv.slice(2);
  const secIdx = args.indexOf('--seconds');
  const r = await benchRender({ build: !args.includes('--no-build'), seconds: secIdx >= 0 ? Number(args[secIdx + 1]) : 5 });
  if (args.includes('--json')) console.log(JSON.stringify(r, null, 1));
  else {
    console.log(`\nLab canvas (Chromium, software GL; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores)`);
    for (const x of r.results) console.log(`  ${x.name.padEnd(64)} ${String(x.value).padStart(8)} ${x.unit}`);
    console.log('\nTargets');
    for (const t of r.targets) console.log(`  ${t.ok ? 'ok  ' : 'MISS'} ${t.name}`);
  }
}
