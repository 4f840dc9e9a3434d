/**
 * End-to-end helpers: serve the built dist/ with `vite preview` on a free port and drive
 * the system Chromium through playwright-core. See /work/shared/design/STACK.md for why the
 * flags below are needed (closed network, no GPU, no downloaded browsers).
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview } from 'vite';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Preview {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:40123/ */
  url: string;
  close(): Promise<void>;
}

/** Serve dist/ (run `vite build` first; `npm run test:browser` does) on 127.0.0.1, port chosen by the OS. */
export async function startPreview(): Promise<Preview> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) {
    throw new Error('dist/index.html is missing: run `npm run build` (or `npm run test:browser`, which builds first)');
  }
  const server = await preview({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const address = server.httpServer.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') throw new Error(`vite preview did not listen on TCP: ${String(address)}`);
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => server.close(),
  };
}

export interface LabBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /**
   * Everything that should never happen on a healthy page: console errors, uncaught
   * exceptions, failed requests and HTTP errors.
   */
  errors: string[];
  /** Console warnings, kept apart: headless software WebGL emits some of its own. */
  warnings: string[];
  close(): Promise<void>;
}

/** Launch the system Chromium with one fresh page whose problems are collected in `errors`. */
export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<LabBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
    else if (msg.type() === 'warning') warnings.push(`console.warning: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return {
    browser,
    context,
    page,
    errors,
    warnings,
    close: () => browser.close(),
  };
}
