/**
 * Message lookup without runes, so Node tests and pure helpers can use it: a catalog per
 * locale (en.ts, zh-CN.ts), `{name}` placeholders, and the choice of a locale from the
 * browser's languages. English is always here (it is the fallback); another catalog is
 * loaded when its language is chosen (`loadCatalog`), so the page carries only one.
 */
import { en, type MessageKey } from './en';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];
export type Messages = Readonly<Record<MessageKey, string>>;
export type { MessageKey };

const catalogs: Partial<Record<Locale, Messages>> = { en };
const LOADERS: Readonly<Record<Locale, () => Promise<Messages>>> = {
  en: async () => en,
  'zh-CN': () => import('./zh-CN').then((m) => m.zhCN),
};

/** The catalogs loaded so far. */
export const CATALOGS: Readonly<Partial<Record<Locale, Messages>>> = catalogs;

export function catalogLoaded(locale: Locale): boolean {
  return catalogs[locale] !== undefined;
}

export async function loadCatalog(locale: Locale): Promise<void> {
  catalogs[locale] ??= await LOADERS[locale]();
}

export type Params = Readonly<Record<string, string | number>>;

/** The message in `locale`, or in English while that catalog is not loaded. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = catalogs[locale]?.[key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** The first supported locale among the browser's, English otherwise (any zh → 简体中文). */
export function pickLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export function isLocale(x: unknown): x is Locale {
  return x === 'en' || x === 'zh-CN';
}

const STATE_KEYS: Readonly<Record<string, MessageKey>> = {
  running: 'state.running',
  off: 'state.off',
  booting: 'state.booting',
  stopped: 'state.stopped',
  hung: 'state.hung',
  down: 'state.down',
  starting: 'state.starting',
  init: 'state.init',
};

/** The message for a power or service machine state. */
export function stateKey(state: string | undefined): MessageKey {
  return STATE_KEYS[state ?? ''] ?? 'state.unknown';
}

/** The placeholders a message uses, for the completeness test. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}
