/**
 * The page's own preferences (language, presenter mode, motion, palette, panels), kept in
 * localStorage apart from the lab itself (src/share/store.ts). Reading is defensive: a
 * value of the wrong shape is dropped field by field, never trusted.
 */
import { isLocale, type Locale } from './i18n/translate';

export const PREFS_KEY = 'lvs-lab:prefs';

export type ColourMode = 'normal' | 'colour-blind';
/** Tabs of the side panel (the Event list and Inspector have their own dock below the canvas). */
export type PanelId = 'controls' | 'tables' | 'charts' | 'statecharts' | 'terminal';
export const PANEL_IDS: readonly PanelId[] = ['controls', 'tables', 'charts', 'statecharts', 'terminal'];

export interface Prefs {
  locale?: Locale;
  presenter?: boolean;
  /** undefined: follow prefers-reduced-motion. */
  reducedMotion?: boolean;
  colourMode?: ColourMode;
  packetColours?: 'connection' | 'server';
  panel?: PanelId;
  panelsHidden?: boolean;
  speed?: number;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function loadPrefs(): Prefs {
  let raw: unknown;
  try {
    raw = JSON.parse(storage()?.getItem(PREFS_KEY) ?? '{}');
  } catch {
    return {};
  }
  return sanitizePrefs(raw);
}

export function sanitizePrefs(raw: unknown): Prefs {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const p: Prefs = {};
  if (isLocale(r['locale'])) p.locale = r['locale'];
  if (typeof r['presenter'] === 'boolean') p.presenter = r['presenter'];
  if (typeof r['reducedMotion'] === 'boolean') p.reducedMotion = r['reducedMotion'];
  if (r['colourMode'] === 'normal' || r['colourMode'] === 'colour-blind') p.colourMode = r['colourMode'];
  if (r['packetColours'] === 'connection' || r['packetColours'] === 'server') p.packetColours = r['packetColours'];
  if (PANEL_IDS.includes(r['panel'] as PanelId)) p.panel = r['panel'] as PanelId;
  if (typeof r['panelsHidden'] === 'boolean') p.panelsHidden = r['panelsHidden'];
  if (typeof r['speed'] === 'number' && Number.isFinite(r['speed']) && r['speed'] > 0 && r['speed'] <= 100) p.speed = r['speed'];
  return p;
}

export function savePrefs(p: Prefs): void {
  try {
    storage()?.setItem(PREFS_KEY, JSON.stringify(p));
  } catch {
    /* storage full or unavailable: preferences last for this visit only */
  }
}
