/**
 * The course, as a learner and a teacher use it: open the course, walk lesson 5 (LVS-DR)
 * by typing each step's commands in the terminal and using the transport controls where
 * the step needs time, see every goal turn green, reload and find the progress kept; links
 * to a lesson and step; "Show me"; the free lab; progress files; "Make a lesson"; both
 * languages; presenter mode; accessibility.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';
import { axeSerious, openTab, waitReady } from './ui-helpers';

let server: Preview;
let lab: LabBrowser;

beforeAll(async () => {
  server = await startPreview();
  lab = await launchBrowser({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await lab?.close();
  await server?.close();
});

async function fresh(url: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await lab.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  await waitReady(page, { stage: false });
  return { page, errors, close: () => context.close() };
}

const goal = (page: Page) => page.getByTestId('goal-status');
const stepId = (page: Page) => page.getByTestId('lesson-step').getAttribute('data-step');

async function goalMet(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForSelector('[data-testid="goal-status"][data-met="true"]', { timeout });
  expect(await goal(page).getAttribute('class')).toMatch(/\bmet\b/);
  expect(await goal(page).innerText()).toContain('Goal met');
}

/** Type a line in the terminal (xterm) and press Enter; wait until the lab ran it. */
async function typeLine(page: Page, line: string): Promise<void> {
  const before = await page.evaluate(() => window.__lab!.ui.ctl.session.log.length);
  await page.getByTestId('terminal').locator('.xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    ([n, l]) => {
      const log = window.__lab!.ui.ctl.session.log;
      return log.length > (n as number) && log.slice(n as number).some((e) => 'term' in e && e.term === l);
    },
    [before, line] as const,
    { timeout: 20_000 },
  );
}

/** Let simulated time run (Play at 10×) until the goal holds, then pause. */
async function runUntilMet(page: Page): Promise<void> {
  await page.getByTestId('speed').selectOption('10');
  if (!(await page.evaluate(() => window.__lab!.ui.ctl.playing))) await page.getByRole('button', { name: 'Play', exact: true }).click();
  await goalMet(page);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByTestId('speed').selectOption('1');
}

const LESSON5: { id: string; lines: string[]; run?: true }[] = [
  { id: 'look', lines: ['ipvsadm -Ln'] },
  { id: 'mac-rewrite', lines: ['ssh rs1', 'tcpdump -e -n -c 4 -i eth0 tcp dst port 80'] },
  { id: 'vip-on-lo', lines: ['exit', 'ssh rs2', 'ip addr del 192.168.10.100/32 dev lo'], run: true },
  { id: 'fix-vip', lines: ['ip addr add 192.168.10.100/32 dev lo label lo:0'], run: true },
  {
    id: 'arp-problem',
    lines: [
      'sysctl -w net.ipv4.conf.all.arp_ignore=0',
      'sysctl -w net.ipv4.conf.lo.arp_ignore=0',
      'sysctl -w net.ipv4.conf.all.arp_announce=0',
      'sysctl -w net.ipv4.conf.lo.arp_announce=0',
      'exit',
      'ssh router',
      'ip neigh flush all',
    ],
    run: true,
  },
  { id: 'arp-fix', lines: ['exit', 'ssh rs2', 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2'] },
];

describe('the course', () => {
  it('a learner walks lesson 5 (LVS-DR) step by step; the progress survives a reload', async () => {
    const { page, errors, close } = await fresh(server.url);
    try {
      // The first screen carries no lesson code: it loads when the course opens.
      const lessonScripts = () => page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /\/assets\/(attach|\d\d-[a-z])/.test(e.name)).length);
      expect(await lessonScripts()).toBe(0);
      await page.getByRole('button', { name: 'Course', exact: true }).click();
      await page.getByRole('heading', { name: 'Course', exact: true }).waitFor();
      expect(await lessonScripts()).toBeGreaterThan(3);
      const items = page.getByTestId('course').locator('ol.lessons > li');
      await expect.poll(() => items.count()).toBeGreaterThanOrEqual(5);
      expect(await page.getByTestId('progress-lvs-dr').innerText()).toBe('0 of 6 steps');

      await page.getByRole('button', { name: /LVS-DR: direct routing/ }).click();
      await page.getByRole('heading', { name: /LVS-DR: direct routing/ }).waitFor();
      // The lesson's lab is the page's lab; its terminal is at hand.
      expect(await page.evaluate(() => window.__lab!.ui.ctl.session === window.__lab!.ui.course!.active!.run.session)).toBe(true);
      await page.getByTestId('terminal').locator('.xterm').waitFor();
      expect(page.url()).toMatch(/#lesson=lvs-dr&step=1$/);

      // Hints come one at a time.
      await page.getByRole('button', { name: 'Hint', exact: true }).click();
      expect(await page.getByTestId('hints').locator('li').count()).toBe(1);
      await page.getByRole('button', { name: 'Hint', exact: true }).click();
      expect(await page.getByTestId('hints').locator('li').count()).toBe(2);
      expect(await page.getByRole('button', { name: 'Hint', exact: true }).isDisabled()).toBe(true);

      for (const [i, step] of LESSON5.entries()) {
        expect(await stepId(page)).toBe(step.id);
        expect(await goal(page).getAttribute('data-met')).toBe('false');
        for (const line of step.lines) await typeLine(page, line);
        if (step.run) await runUntilMet(page);
        else await goalMet(page, 20_000);
        expect(await page.getByRole('button', { name: new RegExp(`^Go to step ${i + 1}: ${step.id} \\(done\\)$`) }).count()).toBe(1);
        if (i < LESSON5.length - 1) {
          await page.getByRole('button', { name: 'Next step', exact: true }).click();
          expect(page.url()).toMatch(new RegExp(`#lesson=lvs-dr&step=${i + 2}$`));
        }
      }
      await page.getByTestId('lesson-finished').waitFor();
      expect(await page.getByRole('button', { name: 'Next step', exact: true }).isDisabled()).toBe(true);
      const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('lvs-lab:progress') ?? '{}'));
      expect(new Set(saved.lessons['lvs-dr'].done)).toEqual(new Set(LESSON5.map((s) => s.id)));

      // Reload: the link in the address bar reopens the lesson at its last step, progress kept.
      await page.reload({ waitUntil: 'load' });
      await waitReady(page, { stage: false });
      await page.getByRole('heading', { name: /LVS-DR: direct routing/ }).waitFor();
      expect(await stepId(page)).toBe('arp-fix');
      expect(await page.getByTestId('lesson').locator('.meta').innerText()).toContain('6 of 6 steps');
      await page.getByRole('button', { name: 'All lessons' }).first().click();
      expect(await page.getByTestId('progress-lvs-dr').innerText()).toBe('6 of 6 steps');
      expect(await page.getByTestId('finished-lvs-dr').innerText()).toContain('Finished');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('"Show me" plays a step visibly: the line appears in the terminal and the goal turns green', async () => {
    const { page, errors, close } = await fresh(`${server.url}#lesson=lvs-nat`);
    try {
      await page.getByRole('heading', { name: /LVS-NAT/ }).waitFor();
      expect(await stepId(page)).toBe('dnat-in');
      await page.getByTestId('terminal').locator('.xterm').waitFor();
      await page.getByRole('button', { name: 'Show me', exact: true }).click();
      await goalMet(page, 30_000);
      await page.getByRole('button', { name: 'Show me', exact: true }).waitFor({ timeout: 20_000 });
      const screen = await page.getByTestId('terminal').locator('.xterm-rows').innerText();
      expect(screen).toContain('tcpdump -n -c 4 -i eth0 tcp port 80');
      expect(screen).toContain('[root@rs1 ~]#');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('links: #lesson=ID&step=N opens that step; an unknown lesson says so and shows the list; the free lab comes back', async () => {
    const { page, errors, close } = await fresh(`${server.url}#lesson=lvs-dr&step=3`);
    try {
      await page.getByRole('heading', { name: /LVS-DR: direct routing/ }).waitFor();
      expect(await stepId(page)).toBe('vip-on-lo');
      expect(await page.getByTestId('lesson').innerText()).toContain('the lab played the solution of the earlier steps (1–2)');
      // rs1 is where step 2 left the terminal.
      expect(await page.evaluate(() => window.__lab!.ui.terminal.node)).toBe('rs1');

      // Leaving the lesson: the free lab, with the address bar cleared.
      await page.getByRole('button', { name: 'Leave the lesson (back to the free lab)' }).first().click();
      await page.getByRole('heading', { name: 'Course', exact: true }).waitFor();
      expect(await page.evaluate(() => window.__lab!.ui.course!.active)).toBeUndefined();
      expect(await page.evaluate(() => window.__lab!.ui.ctl.session.log.length)).toBe(0);
      expect(page.url()).not.toContain('#');

      // A link followed inside the page.
      await page.evaluate(() => (location.hash = '#lesson=no-such-lesson&step=2'));
      await page.getByRole('alert').filter({ hasText: 'There is no lesson “no-such-lesson”' }).waitFor();
      expect(await page.evaluate(() => window.__lab!.ui.course!.view)).toBe('list');
      expect(await page.getByTestId('course').locator('ol.lessons > li').count()).toBeGreaterThanOrEqual(5);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('progress files: export, a bad import changes nothing and says why, a good one is merged', async () => {
    const { page, close } = await fresh(`${server.url}#lesson=lvs-dr`);
    try {
      await page.getByRole('heading', { name: /LVS-DR/ }).waitFor();
      await page.getByTestId('terminal').locator('.xterm').waitFor();
      await typeLine(page, 'ipvsadm -Ln');
      await goalMet(page, 20_000);
      await page.getByRole('button', { name: 'All lessons' }).first().click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export progress' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^lvs-lab-progress-\d{4}-\d\d-\d\d\.json$/);
      const file = readFileSync((await download.path())!, 'utf8');
      expect(JSON.parse(file)).toMatchObject({ format: 'lvs-lab-progress', v: 1, lessons: { 'lvs-dr': { done: ['look'] } } });

      const other = await fresh(server.url);
      try {
        await other.page.getByRole('button', { name: 'Course', exact: true }).click();
        await other.page.getByTestId('progress-lvs-dr').waitFor();
        await other.page.getByTestId('import-progress').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"lvs-lab-progress","v":1,"lessons":{"lvs-dr":{"done":"look"}}}') });
        await other.page.getByRole('alert').filter({ hasText: 'That file was not imported, nothing changed: its content is not valid' }).waitFor();
        expect(await other.page.getByTestId('progress-lvs-dr').innerText()).toBe('0 of 6 steps');
        await other.page.getByTestId('import-progress').setInputFiles({ name: 'progress.json', mimeType: 'application/json', buffer: Buffer.from(file) });
        await other.page.getByRole('status').filter({ hasText: 'Imported progress for 1 lessons' }).waitFor();
        expect(await other.page.getByTestId('progress-lvs-dr').innerText()).toBe('1 of 6 steps');
      } finally {
        await other.close();
      }
    } finally {
      await close();
    }
  });

  it('a teacher makes a lesson from the free lab: a lesson file to download', async () => {
    const { page, close } = await fresh(server.url);
    try {
      await openTab(page, 'Terminal');
      await page.getByTestId('terminal').locator('.xterm').waitFor();
      await typeLine(page, 'ipvsadm -Lnc');
      await page.getByRole('button', { name: 'Course', exact: true }).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Make a lesson from this lab' }).click()]);
      expect(download.suggestedFilename()).toBe('dr-lesson.md');
      const text = readFileSync((await download.path())!, 'utf8');
      expect(text).toMatch(/^---\nid: dr-lesson\n/);
      expect(text).toContain('lab:\n  scenario:\n');
      expect(text).toContain('      - type: ipvsadm -Lnc');
      expect(text).toContain('\n# en\n');
      expect(text).toContain('\n# zh-CN\n');
    } finally {
      await close();
    }
  });

  it('both languages, presenter mode, and no serious accessibility problems', async () => {
    const { page, errors, close } = await fresh(`${server.url}#lesson=lvs-dr&step=2`);
    try {
      await page.getByRole('heading', { name: /LVS-DR/ }).waitFor();
      expect(await axeSerious(page)).toEqual([]);

      await page.getByTestId('language').selectOption('zh-CN');
      await page.getByRole('heading', { name: 'LVS-DR：直接路由与 ARP 问题' }).waitFor();
      expect(await page.getByRole('button', { name: '演示给我看' }).count()).toBe(1);
      expect(await page.getByTestId('lesson-step').innerText()).toContain('第 2 步');
      await page.getByTestId('language').selectOption('en');
      await page.getByRole('button', { name: 'Show me', exact: true }).waitFor();

      const size = () => page.getByTestId('lesson').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      const normal = await size();
      await page.getByTestId('presenter').click();
      expect(await size()).toBeGreaterThan(normal * 1.3);
      expect(await axeSerious(page)).toEqual([]);
      await page.getByTestId('presenter').click();

      await page.getByRole('button', { name: 'All lessons' }).first().click();
      expect(await axeSerious(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
