/**
 * Small readers shared by the keepalived.conf sections: numbers and durations as
 * keepalived accepts them, and the warnings/errors collected along the way.
 */
import type { ConfNode } from '../../export/keepalived-conf';

/** Where a report points: a ConfNode, or anything read from one. */
interface At {
  line: number;
}

/**
 * Reports collected while reading. Three kinds, as keepalived has them:
 *  - warn: a note or a correction keepalived makes (a default it sets, a keyword it skips);
 *  - invalid: a value keepalived refuses (report_config_error): it logs it and skips the line,
 *    `keepalived -t` fails — and so does importing the file into a table;
 *  - error: the block cannot be read at all; the lab's keepalived does not start.
 */
export class ConfReport {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  /** What `keepalived -t` would fail on, in file order: the invalid values and the errors. */
  readonly refused: string[] = [];
  warn(at: At, msg: string): void {
    this.warnings.push(`line ${at.line}: ${msg}`);
  }
  invalid(at: At, msg: string): void {
    this.warnings.push(`line ${at.line}: ${msg}`);
    this.refused.push(`line ${at.line}: ${msg}`);
  }
  error(at: At, msg: string): void {
    this.errors.push(`line ${at.line}: ${msg}`);
    this.refused.push(`line ${at.line}: ${msg}`);
  }
  /** `hint`: what keepalived takes instead, if it is a common slip. */
  unknown(n: ConfNode, hint?: string): void {
    this.warn(n, `Unknown keyword '${n.words[0]}'${hint ? ` (${hint})` : ''}`);
  }
}

/** Seconds as keepalived reads them (decimals allowed) → microseconds; undefined if not a number. */
export function seconds(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d+(\.\d+)?$/.test(word)) return undefined;
  return Math.round(Number(word) * 1e6);
}

export function int(word: string | undefined, lo: number, hi: number): number | undefined {
  if (word === undefined || !/^-?\d+$/.test(word)) return undefined;
  const v = Number(word);
  return v >= lo && v <= hi ? v : undefined;
}

/**
 * Word `i` of `n` as an integer from `lo` to `hi` (`what` names it in the report); otherwise
 * the line is reported — `invalid` by default, `error` where the block cannot do without it.
 */
export function intArg(r: ConfReport, n: ConfNode, i: number, lo: number, hi: number, what: string, as: 'invalid' | 'error' = 'invalid'): number | undefined {
  const w = n.words[i];
  const v = int(w, lo, hi);
  if (v === undefined) r[as](n, w === undefined ? `${n.words[0]} needs ${what}` : `${n.words[0]}: ${what} must be an integer from ${lo} to ${hi}, not "${w}"`);
  return v;
}
