/**
 * `systemctl start|stop|restart|reload|status|is-active|is-enabled|enable|disable
 * keepalived|ldirectord` (systemd 252, Debian 12's units). The shell's systemctl hands
 * these two units here; start and reload read the configuration file from the node's
 * files, as the daemons do (/etc/keepalived/keepalived.conf, /etc/ha.d/ldirectord.cf).
 * Changes go through `lab.apply({type:'daemon'})`, so they are logged and replayable.
 */
import type { Lab } from '../lab';
import { civil, labUnix, p2, systemdTimespan, systemdTimestamp } from '../shell/commands/util';
import { daemonStatus, haNode, type HaUnit } from './ha';

export const HA_UNITS: Readonly<Record<string, HaUnit>> = {
  keepalived: 'keepalived',
  'keepalived.service': 'keepalived',
  ldirectord: 'ldirectord',
  'ldirectord.service': 'ldirectord',
};

export const CONFIG_PATH: Record<HaUnit, string> = {
  keepalived: '/etc/keepalived/keepalived.conf',
  ldirectord: '/etc/ha.d/ldirectord.cf',
};

const DESCRIPTION: Record<HaUnit, string> = {
  keepalived: 'Keepalive Daemon (LVS and VRRP)',
  ldirectord: 'Monitor and administer real servers in a LVS cluster of load balanced virtual servers',
};

const DOCS: Record<HaUnit, string[]> = {
  keepalived: ['man:keepalived(8)', 'man:keepalived.conf(5)', 'man:genhash(1)', 'https://keepalived.org'],
  ldirectord: ['man:ldirectord(8)'],
};

/** What the unit needs from the terminal it runs in. */
export interface HaSystemctlIo {
  readonly lab: Lab;
  readonly node: string;
  readonly hostname: string;
  /** The node's file, or undefined if it does not exist. */
  read(path: string): string | undefined;
  out(text: string): void;
  err(text: string): void;
}

function journalStamp(us: number): string {
  const c = civil(labUnix(us));
  return `${c.mon} ${p2(c.d)} ${p2(c.h)}:${p2(c.mi)}:${p2(c.s)}`;
}


/** Run one verb on one of our units; returns the exit status. */
export function haSystemctl(io: HaSystemctlIo, verb: string, unitName: string): number {
  const unit = HA_UNITS[unitName]!;
  const svc = `${unit}.service`;
  const h = haNode(io.lab, io.node);
  const apply = (action: 'start' | 'stop' | 'restart' | 'reload'): number => {
    const text = action === 'stop' ? undefined : io.read(CONFIG_PATH[unit]);
    if (action !== 'stop' && text === undefined) {
      // ConditionFileNotEmpty: systemd skips the start silently; status tells why.
      return 0;
    }
    const r = io.lab.apply({ type: 'daemon', node: io.node, daemon: unit, action, ...(text !== undefined ? { config: text } : {}) });
    if (!r.ok) {
      io.err(`Failed to ${action} ${svc}: ${r.error}\n`);
      return 1;
    }
    const st = daemonStatus(io.lab, io.node, unit);
    if (action !== 'stop' && !st.active) {
      io.err(`Job for ${svc} failed because the control process exited with error code.\nSee "systemctl status ${svc}" and "journalctl -xeu ${svc}" for details.\n`);
      return 1;
    }
    return 0;
  };
  switch (verb) {
    case 'start':
      return daemonStatus(io.lab, io.node, unit).active ? 0 : apply('start');
    case 'stop':
      return apply('stop');
    case 'restart':
    case 'reload-or-restart':
      return apply('restart');
    case 'try-restart':
      return daemonStatus(io.lab, io.node, unit).active ? apply('restart') : 0;
    case 'reload':
      if (!daemonStatus(io.lab, io.node, unit).active) {
        io.err(`${svc} is not active, cannot reload.\n`);
        return 1;
      }
      return apply('reload');
    case 'is-active': {
      const active = daemonStatus(io.lab, io.node, unit).active;
      io.out(active ? 'active\n' : 'inactive\n');
      return active ? 0 : 3;
    }
    case 'is-enabled':
      io.out(h.enabled[unit] ? 'enabled\n' : 'disabled\n');
      return h.enabled[unit] ? 0 : 1;
    case 'enable':
    case 'disable':
      h.enabled[unit] = verb === 'enable';
      io.err(`Synchronizing state of ${svc} with SysV service script with /lib/systemd/systemd-sysv-install.\nExecuting: /lib/systemd/systemd-sysv-install ${verb} ${unit}\n`);
      return 0;
    case 'status':
      io.out(status(io, unit));
      return daemonStatus(io.lab, io.node, unit).active ? 0 : 3;
    default:
      io.err(`Unknown command verb '${verb}'.\n`);
      return 1;
  }
}

function status(io: HaSystemctlIo, unit: HaUnit): string {
  const st = daemonStatus(io.lab, io.node, unit);
  const now = io.lab.now;
  const svc = `${unit}.service`;
  let s = `${st.active ? '●' : '○'} ${svc} - ${DESCRIPTION[unit]}\n`;
  s += `     Loaded: loaded (/lib/systemd/system/${svc}; ${st.enabled ? 'enabled' : 'disabled'}; preset: enabled)\n`;
  if (st.active) s += `     Active: active (running) since ${systemdTimestamp(st.since)}; ${systemdTimespan(now - st.since)} ago\n`;
  else if (st.pid === 0 && io.read(CONFIG_PATH[unit]) === undefined) {
    s += `     Active: inactive (dead)\n  Condition: start condition failed at ${systemdTimestamp(now)}; ${systemdTimespan(0)} ago\n             └─ ConditionFileNotEmpty=${CONFIG_PATH[unit]} was not met\n`;
  } else s += `     Active: inactive (dead)${st.pid ? ` since ${systemdTimestamp(st.since)}; ${systemdTimespan(now - st.since)} ago` : ''}\n`;
  DOCS[unit].forEach((d, i) => (s += `${i === 0 ? '       Docs: ' : '             '}${d}\n`));
  if (st.active) {
    const procs = unit === 'keepalived' ? [st.pid, st.pid + 1, st.pid + 2] : [st.pid];
    s += `   Main PID: ${st.pid} (${unit === 'keepalived' ? 'keepalived' : 'ldirectord'})\n`;
    s += `      Tasks: ${procs.length} (limit: 4644)\n     Memory: ${unit === 'keepalived' ? '2.3M' : '21.4M'}\n        CPU: ${40 + Math.floor((now - st.since) / 1e6)}ms\n     CGroup: /system.slice/${svc}\n`;
    const cmd = unit === 'keepalived' ? '/usr/sbin/keepalived --dont-fork' : '/usr/bin/perl -w /usr/sbin/ldirectord start';
    procs.forEach((p, i) => (s += `             ${i === procs.length - 1 ? '└' : '├'}─${p} ${cmd}\n`));
  }
  const tail = st.journal.slice(-10);
  if (tail.length) {
    s += '\n';
    for (const l of tail) s += `${journalStamp(l.t)} ${io.hostname} ${l.ident}: ${l.text}\n`;
  }
  return s;
}
