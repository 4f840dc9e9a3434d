/**
 * The HA labs in the visual lab: DR + HA loads HA on demand, the Statecharts panel shows
 * each director's VRRP instance, and a power cut on director1 from Controls hands MASTER
 * to director2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startPreview, type LabBrowser, type Preview } from './harness';
import { axeSerious, openLab, openTab, pause, runFor } from './ui-helpers';

let server: Preview;
let lab: LabBrowser;

beforeAll(async () => {
  server = await startPreview();
  lab = await launchBrowser({ viewport: { width: 1400, height: 900 } });
  await openLab(lab, server.url);
});

afterAll(async () => {
  await lab?.close();
  await server?.close();
});

const current = (key: string) => lab.page.getByTestId(`statechart-${key}`).locator('.state.current text');

describe('the HA labs', () => {
  it('DR + HA: director1 MASTER, director2 BACKUP; powering off director1 fails over', async () => {
    const page = lab.page;
    await page.getByRole('button', { name: 'DR + HA mode' }).click();
    await page.waitForFunction(() => window.__lab!.ui.ctl.preset === 'dr-ha', undefined, { timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'DR + HA mode' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'NAT + HA mode' }).count()).toBe(1);
    await pause(page);
    await runFor(page, 6_000_000);

    await openTab(page, 'Statecharts');
    await page.getByTestId('statechart-director1:vrrp:VI_1').waitFor();
    await expect.poll(() => current('director1:vrrp:VI_1').textContent()).toBe('MASTER');
    expect(await current('director2:vrrp:VI_1').textContent()).toBe('BACKUP');
    expect(await current('director1:checker:rs1:80').textContent()).toBe('UP');
    expect(await page.locator('[data-testid^="statechart-director2:checker:"]').count()).toBe(3);

    await openTab(page, 'Controls');
    await expect.poll(() => page.getByTestId('ipvs-target').textContent()).toContain('director1, the VRRP MASTER');
    await page.getByTestId('power-director1').click();
    await runFor(page, 6_000_000);
    await expect.poll(() => page.getByTestId('ipvs-target').textContent()).toContain('director2, the VRRP MASTER');
    expect(await page.getByTestId('vrrp-director2').textContent()).toContain('MASTER');

    await openTab(page, 'Statecharts');
    await expect.poll(() => current('director2:vrrp:VI_1').textContent()).toBe('MASTER');
    expect(await page.getByTestId('statechart-director1:vrrp:VI_1').locator('figcaption').textContent()).toContain('not running');
    expect(await page.getByTestId('statechart-director2:vrrp:VI_1').locator('.edge.lit').count()).toBeGreaterThan(0);

    expect(lab.errors).toEqual([]);
    expect(await axeSerious(page)).toEqual([]);
  });

  it('NAT + HA opens too, with no console errors', async () => {
    const page = lab.page;
    await page.getByRole('button', { name: 'NAT + HA mode' }).click();
    await page.waitForFunction(() => window.__lab!.ui.ctl.preset === 'nat-ha', undefined, { timeout: 20_000 });
    await pause(page);
    await runFor(page, 5_000_000);
    await expect.poll(() => current('director1:vrrp:VI_1').textContent()).toBe('MASTER');
    expect(lab.errors).toEqual([]);
  });
});
