/**
 * The Tables panel's state: `ipvsadm -Ln` (optionally with --stats or --rate) and
 * `ipvsadm -Lnc` on the director, re-read as the lab runs, and the nodes each line names.
 */
import type { LabController } from './lab-controller.svelte';
import { directorOf } from './ipvs-config';
import { connOfLine, ipvsadmText, linesOf, nodesInLine } from './ipvs-tables';

export type ListFormat = 'plain' | 'stats' | 'rate';

/** Lines of the connection table drawn at most (a flood can make tens of thousands). */
export const MAX_CONN_LINES = 1500;

export class Tables {
  format: ListFormat = $state('plain');

  constructor(private readonly ctl: LabController) {}

  get director(): string | undefined {
    void this.ctl.version;
    return directorOf(this.ctl.lab);
  }

  /** The argv of the service listing as the panel shows it. */
  get listArgs(): string[] {
    return this.format === 'plain' ? ['-Ln'] : ['-Ln', `--${this.format}`];
  }

  get services(): string | undefined {
    void this.ctl.version;
    const d = directorOf(this.ctl.lab);
    return d ? ipvsadmText(this.ctl.lab, d, this.listArgs)?.text : undefined;
  }

  get conns(): string | undefined {
    void this.ctl.version;
    const d = directorOf(this.ctl.lab);
    return d ? ipvsadmText(this.ctl.lab, d, ['-Lnc'])?.text : undefined;
  }

  lines(text: string | undefined, max = Infinity): { lines: string[]; more: number } {
    const all = linesOf(text ?? '');
    return all.length > max ? { lines: all.slice(0, max), more: all.length - max } : { lines: all, more: 0 };
  }

  nodesOf(line: string): string[] {
    return nodesInLine(this.ctl.lab, line);
  }

  connOf(line: string): string | undefined {
    return connOfLine(line);
  }
}
