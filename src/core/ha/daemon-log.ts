/**
 * A daemon's log: every line goes to the trace as a `ctl` event (what = 'vrrp.state',
 * 'check', 'ipvs', …; text = the line keepalived or ldirectord writes) and into a bounded
 * journal that `systemctl status` / `journalctl` show with the syslog prefix
 * (`Keepalived_vrrp[812]: (VI_1) Entering MASTER STATE`).
 */
import type { Host } from '../host/host';

export interface JournalLine {
  t: number;
  /** syslog identifier with pid, e.g. `Keepalived_healthcheckers[813]`. */
  ident: string;
  text: string;
}

const MAX_LINES = 500;

export class DaemonLog {
  readonly journal: JournalLine[] = [];

  constructor(readonly host: Host) {}

  /** Write a line: to the journal under `ident`, and to the trace as `what`. */
  line(ident: string, what: string, text: string, data?: Record<string, unknown>): void {
    this.journal.push({ t: this.host.world.now, ident, text });
    if (this.journal.length > MAX_LINES) this.journal.shift();
    this.host.ctl(what, text, data);
  }

  /** A trace event only (what keepalived would log with log_all_failures, or a fact for timelines). */
  event(what: string, text: string, data?: Record<string, unknown>): void {
    this.host.ctl(what, text, data);
  }
}
