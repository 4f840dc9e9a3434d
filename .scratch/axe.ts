import { launchBrowser, startPreview } from '../test/browser/harness';
import { axeSerious, openTab, waitReady } from '../test/browser/ui-helpers';
const server = await startPreview();
const lab = await launchBrowser({ viewport: { width: 1400, height: 900 } });
for (const hide of [false, true]) {
  const ctx = await lab.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(server.url, { waitUntil: 'load' });
  await waitReady(page);
  if (hide) await page.evaluate(() => document.querySelector('[data-testid=course]')?.remove());
  await openTab(page, 'Statecharts');
  await page.waitForTimeout(400);
  const dims = await page.evaluate(() => { const p = document.querySelector('#panel-statecharts')!; return [p.scrollHeight, p.clientHeight, document.querySelector('header')!.clientHeight]; });
  console.log(hide, dims, JSON.stringify(await axeSerious(page)));
  await page.screenshot({ path: `.scratch/sc-${hide}.png` });
  await ctx.close();
}
await lab.close(); await server.close();
