/**
 * The page's language: English or 简体中文, from the saved preference or else the
 * browser's languages, switchable at any time. Components call `t(key, params)`.
 */
import { pickLocale, translate, type Locale, type MessageKey, type Params } from './translate';

export class I18n {
  locale: Locale = $state('en');

  constructor(initial: Locale) {
    this.locale = initial;
  }

  static detect(saved: Locale | undefined, languages: readonly string[]): I18n {
    return new I18n(saved ?? pickLocale(languages));
  }

  /** Bound, so components can pass `t` around. */
  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);
}
