/**
 * Small readers shared by the keepalived.conf sections: numbers and durations as
 * keepalived accepts them, and the warnings/errors collected along the way.
 */
import type { ConfNode } from '../../export/keepalived-conf';

/** Reports collected while reading; an error makes the whole file unusable. */
export class ConfReport {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  warn(n: ConfNode, msg: string): void {
    this.warnings.push(`line ${n.line}: ${msg}`);
  }
  error(n: ConfNode, msg: string): void {
    this.errors.push(`line ${n.line}: ${msg}`);
  }
  unknown(n: ConfNode): void {
    this.warn(n, `Unknown keyword '${n.words[0]}'`);
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

