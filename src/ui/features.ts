/**
 * The lab's big optional parts, loaded with `import()` when first needed so the first
 * screen carries only what the default DR lab runs (docs/architecture.md, "Loading"):
 * - the shell (src/core/shell, ipvsadm included; it brings HA along, which its systemctl
 *   drives): the terminal, the Tables panel, controls that send ipvsadm lines, labs whose
 *   scenario or log has shell lines;
 * - HA (src/core/ha, with ./ha-view.ts): labs with keepalived, ldirectord or scheduled
 *   failures, the DR + HA and NAT + HA presets.
 * Each loads once; `preloadShell` fetches the shell in the background after the first
 * frame, so it is usually there before anyone asks.
 */
import { defaultShell, useShell } from '../core/shell/provide';
import { haLoaded, needsHa } from '../core/lab';
import { needsShell, type LogEntry } from '../core/session';
import { validateScenario } from '../core/scenario/schema';

let shell: Promise<void> | undefined;
let ha: Promise<void> | undefined;
let haViewModule: typeof import('./ha-view') | undefined;

/** What the page reads of HA (VRRP and checker states, the HA presets): undefined until HA is loaded. */
export function haView(): typeof import('./ha-view') | undefined {
  return haViewModule;
}

/** A failed load (network) may be tried again. */
function once(p: Promise<void>, forget: () => void): Promise<void> {
  return p.catch((e: unknown) => {
    forget();
    throw e;
  });
}

export function shellLoaded(): boolean {
  return defaultShell() !== undefined;
}

/** Load the shell and make it the default of every LabSession (useShell). */
export function loadShell(): Promise<void> {
  if (shellLoaded()) return Promise.resolve();
  return (shell ??= once(
    // The shell brings HA along (its systemctl drives it): the page's view of it comes too.
    Promise.all([import('../core/shell/shell'), loadHa()]).then(([m]) => {
      if (!shellLoaded()) useShell((lab) => new m.Shell(lab));
    }),
    () => (shell = undefined),
  ));
}

/**
 * Load HA support (src/core/ha registers itself with the lab when loaded) with the page's
 * view of it (./ha-view.ts: the HA presets, VRRP and checker states).
 */
export function loadHa(): Promise<void> {
  if (haViewModule) return Promise.resolve();
  return (ha ??= once(
    import('./ha-view').then((m) => {
      haViewModule = m;
    }),
    () => (ha = undefined),
  ));
}

/**
 * What a lab built from this scenario and replaying this log needs, loaded: undefined when
 * everything is already here (the caller may then go on synchronously). An invalid
 * scenario needs nothing: building it reports the error.
 */
export function loadFor(scenario: unknown, log: readonly LogEntry[] = []): Promise<void> | undefined {
  const v = validateScenario(scenario);
  if (!v.ok) return undefined;
  const wanted: Promise<void>[] = [];
  if (!shellLoaded() && needsShell(v.scenario, log)) wanted.push(loadShell());
  if (!haLoaded() && (needsHa(v.scenario) || log.some((e) => 'cmd' in e && e.cmd.type === 'daemon'))) wanted.push(loadHa());
  return wanted.length > 0 ? Promise.all(wanted).then(() => undefined) : undefined;
}

/**
 * Run `fn` (which sends `shell` commands) with the shell loaded: at once if it is, else
 * when it arrives. If it cannot load, `fn` still runs: the lab refuses the command and
 * the refusal is shown like any other.
 */
export function withShell(fn: () => void): void {
  if (shellLoaded()) fn();
  else void loadShell().then(fn, fn);
}

/** Fetch the shell when the page is idle (after the first frame); failures are left for later. */
export function preloadShell(): void {
  const go = () => void loadShell().catch(() => undefined);
  if (typeof requestIdleCallback === 'function') requestIdleCallback(go, { timeout: 2000 });
  else setTimeout(go, 200);
}
