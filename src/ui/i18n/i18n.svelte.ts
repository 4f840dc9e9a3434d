/**
 * The page's language: English or 简体中文, from the saved preference or else the
 * browser's languages, switchable at any time. Components call `t(key, params)`.
 * A language's catalog loads when it is first chosen (translate.ts); the text shows in
 * English until it arrives, then re-renders. `ready` settles once the first one is here.
 */
import { catalogLoaded, loadCatalog, pickLocale, translate, type Locale, type MessageKey, type Params } from './translate';

export class I18n {
  locale: Locale = $state('en');
  /** Bumped when a catalog arrives, so text that fell back to English is read again. */
  private arrived = $state(0);
  /** The initial language's catalog is loaded (or failed to: English stays). */
  readonly ready: Promise<void>;

  constructor(initial: Locale) {
    this.locale = initial;
    this.ready = this.load(initial);
  }

  static detect(saved: Locale | undefined, languages: readonly string[]): I18n {
    return new I18n(saved ?? pickLocale(languages));
  }

  private loading = new Map<Locale, Promise<void>>();

  private load(locale: Locale): Promise<void> {
    if (catalogLoaded(locale)) return Promise.resolve();
    let p = this.loading.get(locale);
    if (!p) {
      p = loadCatalog(locale).then(
        () => void this.arrived++,
        () => undefined, // English stays
      );
      this.loading.set(locale, p);
    }
    return p;
  }

  /** Switch to `locale` when its catalog has loaded (at once if it is here; English stays if it fails). */
  async use(locale: Locale): Promise<void> {
    await this.load(locale);
    if (catalogLoaded(locale)) this.locale = locale;
  }

  /** Bound, so components can pass `t` around. */
  t = (key: MessageKey, params?: Params): string => {
    void this.arrived;
    if (!catalogLoaded(this.locale)) void this.load(this.locale);
    return translate(this.locale, key, params);
  };
}
