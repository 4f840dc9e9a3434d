/**
 * The visual lab, driven as a learner or a teacher would: toolbar, controls, tables,
 * share links, saving, language, accessibility. One Chromium; pages that must start
 * fresh (a link opened elsewhere) get a new browser context (no storage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';
import { encodeEnvelope } from '../../src/share/codec';
import { drPreset } from '../../src/core/scenario/presets';
import { validateScenario } from '../../src/core/scenario/schema';
import { answeredByServer, axeSerious, connsByServer, openLab, openTab, pause, runFor, simNow, waitReady } from './ui-helpers';

let server: Preview;
let lab: LabBrowser;

async function freshPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await lab.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors, close: () => context.close() };
}

beforeAll(async () => {
  server = await startPreview();
  lab = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  await openLab(lab, server.url);
});

afterAll(async () => {
  await lab?.close();
  await server?.close();
});

describe('the visual lab', () => {
  it('loads the DR lab, running, with no console errors', async () => {
    const page = lab.page;
    await page.waitForFunction(() => window.__lab!.ui.ctl.session.now > 500_000, undefined, { timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'DR mode' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Pause', exact: true }).count()).toBe(1);
    expect(lab.errors).toEqual([]);
  });

  it('pause, step and step back move time as expected', async () => {
    const page = lab.page;
    await pause(page);
    const t0 = await simNow(page);
    await page.waitForTimeout(600);
    expect(await simNow(page)).toBe(t0);

    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const t1 = await simNow(page);
    expect(t1).toBeGreaterThan(t0);
    expect(t1 - t0).toBeLessThan(10_000_000);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    const t2 = await simNow(page);
    expect(t2).toBeGreaterThanOrEqual(t1);

    await page.getByRole('button', { name: 'Step back' }).click();
    const t3 = await simNow(page);
    expect(t3).toBeLessThan(t2);
    expect(t3).toBeGreaterThan(t0 - 2_000_000);
    // Space toggles play (focus on the page, not a button).
    await page.locator('h1').click();
    await page.keyboard.press('Space');
    await page.waitForFunction((t) => window.__lab!.ui.ctl.session.now > t, t3, { timeout: 10_000 });
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => window.__lab!.ui.ctl.playing)).toBe(false);
  });

  it('the timeline scrubber rewinds the lab (rebuild and replay)', async () => {
    const page = lab.page;
    await pause(page);
    const now = await simNow(page);
    const slider = page.getByRole('slider', { name: 'Timeline' });
    await slider.fill(String(Math.floor(now / 2)));
    const back = await simNow(page);
    expect(back).toBeLessThan(now);
    expect(Math.abs(back - Math.floor(now / 2))).toBeLessThan(1_000_000);
  });

  it('changing the scheduler sends the ipvsadm line and changes the ipvsadm -Ln panel', async () => {
    const page = lab.page;
    await openTab(page, 'Controls');
    await page.getByLabel('Scheduler (-s)').selectOption('wlc');
    await expect.poll(() => page.getByTestId('commands').innerText()).toContain('ipvsadm -E -t 192.168.10.100:80 -s wlc');
    await openTab(page, 'Tables');
    const ln = await page.getByTestId('ipvsadm-ln').textContent();
    expect(ln).toMatch(/^TCP {2}192\.168\.10\.100:80 wlc\s*$/m);
    // Byte for byte what the shell's ipvsadm prints.
    expect(ln).toBe(await page.evaluate(() => window.__lab!.ipvsadm(['-Ln'])));
    // And the command is in the session log, as a shell line on the director.
    const log = await page.evaluate(() => window.__lab!.ui.ctl.session.log.map((e) => ('cmd' in e ? e.cmd : e.term)));
    expect(log).toContainEqual({ type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' });
  });

  it('a weight changes the panel and, over time, the distribution', async () => {
    const page = lab.page;
    await openTab(page, 'Controls');
    await page.getByLabel('Scheduler (-s)').selectOption('wrr');
    await page.getByRole('slider', { name: 'Weight of rs1' }).fill('6');
    await expect.poll(() => page.getByTestId('commands').innerText()).toContain('ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 6');
    await openTab(page, 'Tables');
    expect(await page.getByTestId('ipvsadm-ln').textContent()).toMatch(/-> 192\.168\.10\.11:80 +Route +6 /);
    const before = await connsByServer(page);
    await runFor(page, 30_000_000);
    const after = await connsByServer(page);
    const d = (n: string) => (after[n] ?? 0) - (before[n] ?? 0);
    const total = d('rs1') + d('rs2') + d('rs3');
    expect(total).toBeGreaterThan(40);
    // wrr 6:1:1 → rs1 gets 75% of new connections.
    expect(d('rs1') / total).toBeGreaterThan(0.6);
    expect(d('rs2')).toBeGreaterThan(0);
  });

  it('powering off a real server stops new traffic to it', async () => {
    const page = lab.page;
    await openTab(page, 'Controls');
    await page.getByRole('button', { name: 'Power off rs2' }).click();
    await expect.poll(() => page.getByTestId('commands').innerText()).toContain('lab power off rs2');
    expect(await page.getByRole('button', { name: 'Power on rs2' }).count()).toBe(1);
    // Let requests already in flight finish, then count.
    await runFor(page, 3_000_000);
    const before = await answeredByServer(page);
    await runFor(page, 20_000_000);
    const after = await answeredByServer(page);
    expect(after['rs2'] ?? 0).toBe(before['rs2'] ?? 0);
    expect((after['rs1'] ?? 0) - (before['rs1'] ?? 0)).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Power on rs2' }).click();
  });

  it('a share link opened in a fresh page reproduces the same ipvsadm -Lnc table', async () => {
    const page = lab.page;
    await pause(page);
    await openTab(page, 'Tables');
    const lnc = await page.getByTestId('ipvsadm-lnc').textContent();
    const ln = await page.getByTestId('ipvsadm-ln').textContent();
    const now = await simNow(page);
    expect(lnc).toContain('IPVS connection entries');
    const link = await page.evaluate(() => window.__lab!.ui.linkNow());
    expect(link).toMatch(/#lab=[A-Za-z0-9_-]+$/);

    const fresh = await freshPage();
    try {
      await fresh.page.goto(link, { waitUntil: 'load' });
      await waitReady(fresh.page);
      expect(await simNow(fresh.page)).toBe(now);
      expect(await fresh.page.evaluate(() => window.__lab!.ui.ctl.playing)).toBe(false);
      await openTab(fresh.page, 'Tables');
      expect(await fresh.page.getByTestId('ipvsadm-lnc').textContent()).toBe(lnc);
      expect(await fresh.page.getByTestId('ipvsadm-ln').textContent()).toBe(ln);
      // The fragment is consumed: a reload shows the saved lab, not the old link.
      expect(await fresh.page.evaluate(() => location.hash)).toBe('');
      expect(fresh.errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('Copy link puts the link on the clipboard, or shows it to copy by hand', async () => {
    const page = lab.page;
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => window.__lab!.ui.shareStatus !== 'idle');
    expect(await page.evaluate(() => window.__lab!.ui.shareLink)).toMatch(/#lab=/);
  });

  it('a corrupted link shows the error and opens the default lab', async () => {
    const fresh = await freshPage();
    try {
      const good = await lab.page.evaluate(() => window.__lab!.ui.linkNow());
      await fresh.page.goto(good.slice(0, good.length - 40) + 'x<img src=x onerror=alert(1)>', { waitUntil: 'load' });
      await waitReady(fresh.page);
      const alert = fresh.page.getByTestId('notice-error');
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(/damaged or incomplete|not valid/);
      expect(await fresh.page.locator('img[src=x]').count()).toBe(0);
      expect(await fresh.page.getByRole('button', { name: 'DR mode' }).getAttribute('aria-pressed')).toBe('true');
      await fresh.page.waitForFunction(() => window.__lab!.ui.ctl.session.now > 300_000, undefined, { timeout: 20_000 });
      expect(await fresh.page.evaluate(() => window.__lab!.ui.ctl.session.log.length)).toBe(0);
      expect(fresh.errors).toEqual([]);

    } finally {
      await fresh.close();
    }
  });

  it('a hostile but well-formed link is data: markup stays text, nothing runs', async () => {
    const v = validateScenario({ ...drPreset(), name: '<img src=x onerror=window.__pwned=1>' });
    if (!v.ok) throw new Error('scenario');
    const link = `${server.url}#${encodeEnvelope({
      v: 1,
      scenario: v.scenario as never,
      log: [
        { t: 100_000, term: 'echo "<img src=y onerror=window.__pwned=2>"' },
        { t: 200_000, term: 'printf "\\033]0;pwned\\007\\033[2J"' },
      ],
      now: 1_000_000,
    })}`;
    const fresh = await freshPage();
    try {
      await fresh.page.goto(link, { waitUntil: 'load' });
      await waitReady(fresh.page);
      expect(await simNow(fresh.page)).toBe(1_000_000);
      await openTab(fresh.page, 'Terminal');
      await fresh.page.getByTestId('terminal').locator('.xterm').waitFor();
      await fresh.page.waitForTimeout(300);
      expect(await fresh.page.locator('img').count()).toBe(0);
      expect(await fresh.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await fresh.page.evaluate(() => document.title)).toBe('LVS Lab');
      expect(fresh.errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('the language switch persists across reload', async () => {
    const fresh = await freshPage();
    try {
      await fresh.page.goto(server.url, { waitUntil: 'load' });
      await waitReady(fresh.page, { stage: false });
      await fresh.page.getByTestId('language').selectOption('zh-CN');
      // The zh-CN catalog loads when first chosen: the page switches when it has arrived.
      await fresh.page.getByRole('tab', { name: '控制' }).waitFor();
      expect(await fresh.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      await fresh.page.reload({ waitUntil: 'load' });
      await waitReady(fresh.page, { stage: false });
      expect(await fresh.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
      expect(await fresh.page.getByRole('tab', { name: '表格' }).count()).toBe(1);
      expect(await fresh.page.getByRole('button', { name: /^(暂停|播放)$/ }).count()).toBe(1);
      await fresh.page.getByTestId('language').selectOption('en');
      expect(await fresh.page.getByRole('tab', { name: 'Tables' }).count()).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('the lab survives a reload (saved in this browser)', async () => {
    const fresh = await freshPage();
    try {
      await fresh.page.goto(server.url, { waitUntil: 'load' });
      await waitReady(fresh.page);
      await fresh.page.getByLabel('Scheduler (-s)').selectOption('lc');
      await fresh.page.getByRole('slider', { name: 'Weight of rs3' }).fill('4');
      await pause(fresh.page);
      const now = await simNow(fresh.page);
      await openTab(fresh.page, 'Tables');
      const lnc = await fresh.page.getByTestId('ipvsadm-lnc').textContent();
      await fresh.page.waitForTimeout(1300); // the debounced save
      await fresh.page.reload({ waitUntil: 'load' });
      await waitReady(fresh.page);
      expect(await simNow(fresh.page)).toBe(now);
      const ln = await fresh.page.evaluate(() => window.__lab!.ipvsadm(['-Ln']));
      expect(ln).toMatch(/192\.168\.10\.100:80 lc/);
      expect(ln).toMatch(/-> 192\.168\.10\.13:80 +Route +4 /);
      await openTab(fresh.page, 'Tables');
      expect(await fresh.page.getByTestId('ipvsadm-lnc').textContent()).toBe(lnc);

      // A corrupt store is ignored with a notice. (Set before the page's scripts run: the
      // page being left saves its lab on pagehide.)
      await fresh.page.addInitScript(() => {
        if (!sessionStorage.getItem('corrupted')) {
          sessionStorage.setItem('corrupted', '1');
          localStorage.setItem('lvs-lab:lab', 'lab=%%%garbage');
        }
      });
      await fresh.page.reload({ waitUntil: 'load' });
      await waitReady(fresh.page, { stage: false });
      await fresh.page.getByTestId('notice-info').waitFor();
      expect(await fresh.page.getByTestId('notice-info').innerText()).toMatch(/could not be read/);
      expect(fresh.errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('modes switch with the buttons and with 1/2/3', async () => {
    const page = lab.page;
    await page.locator('h1').click();
    await page.keyboard.press('1');
    expect(await page.getByRole('button', { name: 'NAT mode' }).getAttribute('aria-pressed')).toBe('true');
    await openTab(page, 'Tables');
    expect(await page.getByTestId('ipvsadm-ln').textContent()).toMatch(/172\.16\.0\.100:80/);
    await page.getByRole('button', { name: 'TUN mode' }).click();
    expect(await page.getByTestId('ipvsadm-ln').textContent()).toMatch(/Tunnel/);
    await page.locator('h1').click();
    await page.keyboard.press('2');
    expect(await page.getByRole('button', { name: 'DR mode' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('the event list selects an event and the inspector explains the rewrite', async () => {
    const page = lab.page;
    await page.getByRole('button', { name: 'NAT mode' }).click();
    await runFor(page, 2_000_000);
    const seq = await page.evaluate(() => {
      const ui = window.__lab!.ui;
      const rows = ui.events.visible;
      const r = rows.find((x) => x.ev.type === 'link.tx' && x.ev.from.startsWith('director:eth1') && x.ev.frame.ip?.l4.kind === 'tcp' && (x.ev.frame.ip.l4.flags & 2) !== 0);
      if (r) ui.events.select(r.seq);
      return r?.seq;
    });
    expect(seq).toBeDefined();
    const why = await page.getByTestId('why').innerText();
    expect(why).toMatch(/rewrote the destination address to rs\d .*NAT mode/);
    const inspector = page.getByTestId('inspector');
    expect(await inspector.locator('tr.changed').count()).toBeGreaterThan(2);
    // Filter by kind: drops only → all rows are drops.
    await page.getByRole('button', { name: 'Drops', exact: true }).click();
    const kinds = await page.evaluate(() => window.__lab!.ui.events.visible.map((r) => r.kind));
    expect(kinds.every((k) => k === 'drop')).toBe(true);
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('button', { name: 'DR mode' }).click();
  });

  it('the terminal runs lines in the lab shell (lazily loaded xterm)', async () => {
    const page = lab.page;
    await openTab(page, 'Terminal');
    const term = page.getByTestId('terminal');
    await term.locator('.xterm').waitFor();
    await term.click();
    await page.keyboard.type('ipvsadm -Ln');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.__lab!.ui.terminal.lastOutput)).toContain('IP Virtual Server version');
    const last = await page.evaluate(() => window.__lab!.ui.ctl.session.log.at(-1));
    expect(last).toMatchObject({ term: 'ipvsadm -Ln' });
    // History with the up arrow, and tab completion.
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => window.__lab!.ui.terminal.editor.line)).toBe('ipvsadm -Ln');
    await page.keyboard.press('Control+u');
    await page.keyboard.type('ipvsad');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => window.__lab!.ui.terminal.editor.line)).toMatch(/^ipvsadm/);
    await page.keyboard.press('Control+c');
  });

  it('charts and statecharts panels load (uPlot lazily) and compare schedulers', async () => {
    const page = lab.page;
    await openTab(page, 'Charts');
    await page.locator('.uplot').first().waitFor();
    await page.getByTestId('compare').click();
    await page.getByTestId('comparison').waitFor();
    await page.waitForFunction(() => !window.__lab!.ui.charts.comparing, undefined, { timeout: 30_000 });
    const rows = await page.getByTestId('comparison').locator('tbody tr').count();
    expect(rows).toBe(3);
    await openTab(page, 'Statecharts');
    await page.getByTestId('statechart-rs1:power').waitFor();
    expect(await page.getByTestId('statechart-rs1:power').locator('.state.current text').textContent()).toBe('running');
  });

  it('presenter keys: panels hide and come back, ? opens help; looks reach the canvas', async () => {
    const page = lab.page;
    await page.locator('h1').click();
    await page.keyboard.press('h');
    expect(await page.getByRole('tablist').count()).toBe(0);
    await page.keyboard.press('h');
    expect(await page.getByRole('tablist').count()).toBe(1);
    await page.locator('h1').click();
    await page.keyboard.press('?');
    await page.getByTestId('help-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help-dialog').count()).toBe(0);
    await page.getByText('Display', { exact: true }).click();
    await page.getByLabel('Colour packets by').selectOption('server');
    expect(await page.evaluate(() => window.__lab!.stage.colourMode)).toBe('server');
    await page.getByLabel('Reduce motion').check();
    expect(await page.evaluate(() => window.__lab!.stage.reducedMotion)).toBe(true);
    await page.getByLabel('Reduce motion').uncheck();
    await page.getByLabel('Colour packets by').selectOption('connection');
    await page.getByText('Display', { exact: true }).click();
  });

  it('axe finds no serious or critical violations (default, panels, presenter, help)', async () => {
    const page = lab.page;
    const found: { state: string; v: Awaited<ReturnType<typeof axeSerious>> }[] = [];
    for (const tab of ['Controls', 'Tables', 'Charts', 'Statecharts', 'Terminal']) {
      await openTab(page, tab);
      await page.waitForTimeout(200);
      found.push({ state: tab, v: await axeSerious(page) });
    }
    await page.getByTestId('presenter').click();
    found.push({ state: 'presenter', v: await axeSerious(page) });
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await page.getByTestId('help-dialog').waitFor();
    found.push({ state: 'help', v: await axeSerious(page) });
    await page.keyboard.press('Escape');
    await page.getByTestId('presenter').click();
    expect(found.filter((f) => f.v.length > 0)).toEqual([]);
  });

  it('every control has an accessible name and is reachable by keyboard', async () => {
    const page = lab.page;
    await openTab(page, 'Controls');
    const unnamed = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>('button, select, input, [role=slider], [role=tab], [tabindex="0"]')) {
        if (el.closest('.xterm')) continue;
        const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length || el.textContent?.trim() || el.getAttribute('title');
        if (!labelled) out.push(el.outerHTML.slice(0, 120));
        if ((el as HTMLButtonElement).tabIndex < 0 && !el.closest('[role=listbox]')) out.push(`not focusable: ${el.outerHTML.slice(0, 80)}`);
      }
      return out;
    });
    expect(unnamed).toEqual([]);
    // Tab from the top reaches the Play/Pause button, then Step back and Step.
    await page.locator('h1').click();
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      names.push(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(names).toEqual(expect.arrayContaining(['Step back', 'Step']));
    expect(lab.errors).toEqual([]);
  });
});
