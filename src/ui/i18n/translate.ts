/**
 * Message lookup without runes, so Node tests and pure helpers can use it: a catalog per
 * locale (en.ts, zh-CN.ts), `{name}` placeholders, and the choice of a locale from the
 * browser's languages.
 */
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];
export type Messages = Readonly<Record<MessageKey, string>>;
export type { MessageKey };

export const CATALOGS: Readonly<Record<Locale, Messages>> = { en, 'zh-CN': zhCN };

export type Params = Readonly<Record<string, string | number>>;

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = CATALOGS[locale][key] ?? en[key] ?? key;
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
