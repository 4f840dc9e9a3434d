/**
 * The part of popt 1.19 (poptGetNextOpt, poptGetArg, poptBadOption, poptStrerror) that
 * ipvsadm's option table exercises: no aliases, no callbacks, every option has a `val`.
 *
 * What a learner can run into, and popt does:
 * - short options cluster (`-Ln`); an argument may follow in the same word (`-w5`, `-s=rr`);
 * - `--long=value` and `--long value`; `-long` is read as a cluster of short options;
 * - an option without argument given one (`--numeric=1`, `-n=`) is an error;
 * - a string option takes the next word even if it starts with `-` (`-w -1`), an optional
 *   one (`-p`) only if it does not;
 * - words that are not options are kept for poptGetArg, in order; after `--` every word is;
 * - `!#:+` in an option argument is replaced by the next non-option word, which is consumed.
 */

export type PoptArg = 'none' | 'string' | 'optional';

export interface PoptOption<V> {
  long?: string;
  short?: string;
  arg: PoptArg;
  val: V;
}

export const POPT_ERROR_NOARG = -10;
export const POPT_ERROR_BADOPT = -11;
export const POPT_ERROR_UNWANTEDARG = -12;

export function poptStrerror(code: number): string {
  switch (code) {
    case POPT_ERROR_NOARG:
      return 'missing argument';
    case POPT_ERROR_UNWANTEDARG:
      return 'option does not take an argument';
    case POPT_ERROR_BADOPT:
      return 'unknown option';
    default:
      return 'unknown error';
  }
}

export type PoptResult<V> = { ok: true; val: V } | { ok: false; code: number };

export class PoptContext<V> {
  private next = 1;
  private nextCharArg: string | null = null;
  private restLeftover = false;
  private readonly leftovers: string[] = [];
  private nextLeftover = 0;
  /** Words consumed by a `!#:+` expansion, skipped later. */
  private readonly consumed = new Set<number>();
  /** The argument of the option last returned (null: none given to an optional one). */
  optArg: string | null = null;

  constructor(
    private readonly argv: readonly string[],
    private readonly table: readonly PoptOption<V>[],
  ) {}

  /** poptGetNextOpt: the next option's val, or -1 at the end, or a POPT_ERROR_* code. */
  nextOpt(): PoptResult<V> | -1 {
    const argv = this.argv;
    for (;;) {
      let opt: PoptOption<V> | undefined;
      let longArg: string | null = null;
      if (this.nextCharArg === null && this.next === argv.length) return -1;

      if (this.nextCharArg === null) {
        if (this.consumed.has(this.next)) {
          this.next++;
          continue;
        }
        const orig = argv[this.next++]!;
        if (this.restLeftover || orig[0] !== '-' || orig === '-') {
          this.leftovers.push(orig);
          continue;
        }
        if (orig === '--') {
          this.restLeftover = true;
          continue;
        }
        let s = orig.slice(1);
        const oneDash = s[0] !== '-';
        if (!oneDash) s = s.slice(1);
        const eq = s.indexOf('=');
        const name = eq >= 0 ? s.slice(0, eq) : s;
        if (eq >= 0) longArg = s.slice(eq + 1);
        // Options marked ONEDASH would match here with a single dash; ipvsadm has none.
        opt = oneDash ? undefined : this.table.find((o) => o.long === name);
        if (!opt && !oneDash) return { ok: false, code: POPT_ERROR_BADOPT };
        if (!opt) {
          this.nextCharArg = orig.slice(1);
          longArg = null;
        }
      }

      if (this.nextCharArg !== null) {
        const chars = this.nextCharArg;
        this.nextCharArg = null;
        const c = chars[0];
        opt = c === undefined ? undefined : this.table.find((o) => o.short === c);
        if (!opt) return { ok: false, code: POPT_ERROR_BADOPT };
        const rest = chars.slice(1);
        if (rest !== '') this.nextCharArg = rest;
      }
      if (!opt) return { ok: false, code: POPT_ERROR_BADOPT };

      if (opt.arg === 'none') {
        if (longArg !== null || this.nextCharArg?.[0] === '=') return { ok: false, code: POPT_ERROR_UNWANTEDARG };
      } else {
        this.optArg = null;
        if (longArg !== null) {
          this.optArg = this.expand(longArg);
        } else if (this.nextCharArg !== null) {
          const c = this.nextCharArg;
          this.optArg = this.expand(c[0] === '=' ? c.slice(1) : c);
          this.nextCharArg = null;
        } else if (this.next === argv.length) {
          if (opt.arg !== 'optional') return { ok: false, code: POPT_ERROR_NOARG };
        } else if (opt.arg === 'optional' && argv[this.next]![0] === '-') {
          this.optArg = null;
        } else {
          this.optArg = this.expand(argv[this.next++]!);
        }
      }
      return { ok: true, val: opt.val };
    }
  }

  /** poptGetArg: the next word that was not an option. */
  getArg(): string | undefined {
    return this.nextLeftover < this.leftovers.length ? this.leftovers[this.nextLeftover++] : undefined;
  }

  /** poptBadOption(POPT_BADOPTION_NOALIAS): the word last consumed. */
  badOption(): string {
    return this.argv[this.next - 1] ?? '';
  }

  /** expandNextArg: each `!#:+` becomes the next word not starting with `-` (looked up once). */
  private expand(s: string): string {
    if (!s.includes('!#:+')) return s;
    let found: string | undefined;
    let looked = false;
    return s.replace(/!#:\+/g, (m) => {
      if (!looked) {
        looked = true;
        for (let i = this.next; i < this.argv.length; i++) {
          if (this.consumed.has(i) || this.argv[i]![0] === '-') continue;
          found = this.argv[i];
          this.consumed.add(i);
          break;
        }
      }
      return found ?? m;
    });
  }
}
