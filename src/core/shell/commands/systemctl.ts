/**
 * systemctl (systemd 252) for the real servers' nginx: start, stop, restart, status,
 * is-active. start/stop go through `lab.apply({type:'service'})`, like `lab service`.
 *
 * `status` prints the shape Debian 12 prints; process ids, memory and CPU figures are
 * the lab's plausible stand-ins (the model has no processes).
 */
import type { CmdCtx } from '../context';
import { systemdTimespan, systemdTimestamp } from './util';
import { HA_UNITS, haSystemctl } from '../../ha/systemctl';

const UNITS = new Set(['nginx', 'nginx.service']);

/** When the service last changed state, as the shell saw it (systemd's ActiveEnterTimestamp). */
const since = new WeakMap<object, { state: string; at: number }>();

export function systemctl(ctx: CmdCtx): number {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const [verb, ...units] = args;
  if (verb === undefined) {
    ctx.err('systemctl: listing units is not simulated in LVS Lab (try: systemctl status nginx)\n');
    return 1;
  }
  const known = ['start', 'stop', 'restart', 'reload', 'try-restart', 'reload-or-restart', 'status', 'is-active', 'is-enabled', 'enable', 'disable'];
  if (!known.includes(verb)) {
    ctx.err(`Unknown command verb '${verb}'.\n`);
    return 1;
  }
  if (units.length === 0) {
    ctx.err(verb === 'status' ? '' : `Too few arguments.\n`);
    if (verb === 'status') return statusAll(ctx);
    return 1;
  }
  const node = ctx.sys.node;
  let rc = 0;
  for (const u of units) {
    if (HA_UNITS[u]) {
      // keepalived and ldirectord are the HA module's (src/core/ha/systemctl.ts).
      const sys = ctx.sys;
      rc |= haSystemctl({ lab: ctx.sh.lab, node: sys.name, hostname: sys.hostname, read: (p) => { const r = sys.read(p); return r.ok ? r.data : undefined; }, out: (t) => ctx.out(t), err: (t) => ctx.err(t) }, verb, u);
      continue;
    }
    const unit = u.endsWith('.service') ? u : `${u}.service`;
    if (!UNITS.has(u) || !node.web || !node.service) {
      if (verb === 'status') {
        ctx.err(`Unit ${unit} could not be found.\n`);
        rc = 4;
      } else if (verb === 'is-active') {
        ctx.out('inactive\n');
        rc = 3;
      } else if (verb === 'is-enabled') {
        ctx.err(`Failed to get unit file state for ${unit}: No such file or directory\n`);
        rc = 1;
      } else {
        ctx.err(`Failed to ${verb} ${unit}: Unit ${unit} not found.\n`);
        rc = 5;
      }
      continue;
    }
    const web = node.web;
    const seen = since.get(web);
    if (!seen || seen.state !== web.condition) since.set(web, { state: web.condition, at: seen ? ctx.sh.lab.now : 0 });
    const lab = ctx.sh.lab;
    const set = (state: 'running' | 'stopped'): number => {
      const r = lab.apply({ type: 'service', node: ctx.sys.name, state });
      if (!r.ok) {
        ctx.err(`Failed to ${verb} ${unit}: ${r.error}\n`);
        return 1;
      }
      since.set(web, { state: web.condition, at: lab.now });
      return 0;
    };
    switch (verb) {
      case 'start':
        if (web.condition !== 'running') rc |= set('running');
        break;
      case 'stop':
        if (web.condition !== 'stopped') rc |= set('stopped');
        break;
      case 'restart':
      case 'reload-or-restart':
        if (web.condition !== 'stopped') rc |= set('stopped');
        rc |= set('running');
        break;
      case 'try-restart':
        if (web.condition !== 'stopped') {
          rc |= set('stopped');
          rc |= set('running');
        }
        break;
      case 'reload':
        if (web.condition === 'stopped') {
          ctx.err(`Job for ${unit} failed.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n`);
          rc = 1;
        }
        break;
      case 'is-active':
        ctx.out(web.condition === 'stopped' ? 'inactive\n' : 'active\n');
        if (web.condition === 'stopped') rc = 3;
        break;
      case 'is-enabled':
        ctx.out('enabled\n');
        break;
      case 'enable':
      case 'disable':
        ctx.err(`Synchronizing state of ${unit} with SysV service script with /lib/systemd/systemd-sysv-install.\nExecuting: /lib/systemd/systemd-sysv-install ${verb} nginx\n`);
        break;
      case 'status':
        ctx.out(status(ctx, unit));
        if (web.condition === 'stopped') rc = 3;
        break;
    }
  }
  return rc;
}

function statusAll(ctx: CmdCtx): number {
  ctx.out(`● ${ctx.sys.hostname}\n    State: running\n    Units: 251 loaded (incl. loaded aliases)\n     Jobs: 0 queued\n   Failed: 0 units\n    Since: ${systemdTimestamp(0)}; ${systemdTimespan(ctx.sh.lab.now)} ago\n  systemd: 252.39-1~deb12u1\n   CGroup: /\n`);
  return 0;
}

function status(ctx: CmdCtx, unit: string): string {
  const web = ctx.sys.node.web!;
  const now = ctx.sh.lab.now;
  const at = since.get(web)?.at ?? 0;
  const ago = `${systemdTimestamp(at)}; ${systemdTimespan(now - at)} ago`;
  const head = `${web.condition === 'stopped' ? '○' : '●'} ${unit} - A high performance web server and a reverse proxy server\n     Loaded: loaded (/lib/systemd/system/nginx.service; enabled; preset: enabled)\n`;
  const pid = 500 + (ctx.sys.name.length * 7) % 90;
  if (web.condition === 'stopped') {
    return head + `     Active: inactive (dead) since ${ago}\n       Docs: man:nginx(8)\n   Main PID: ${pid} (code=exited, status=0/SUCCESS)\n        CPU: 45ms\n`;
  }
  const workers = web.config.workers;
  let s = head + `     Active: active (running) since ${ago}\n       Docs: man:nginx(8)\n`;
  s += `    Process: ${pid - 2} ExecStartPre=/usr/sbin/nginx -t -q -g daemon on; master_process on; (code=exited, status=0/SUCCESS)\n`;
  s += `    Process: ${pid - 1} ExecStart=/usr/sbin/nginx -g daemon on; master_process on; (code=exited, status=0/SUCCESS)\n`;
  s += `   Main PID: ${pid} (nginx)\n      Tasks: ${workers + 1} (limit: 4644)\n     Memory: ${(4 + workers * 0.7).toFixed(1)}M\n        CPU: ${20 + web.served}ms\n     CGroup: /system.slice/nginx.service\n`;
  s += `             ${workers > 0 ? '├' : '└'}─${pid} "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"\n`;
  for (let i = 0; i < workers; i++) s += `             ${i === workers - 1 ? '└' : '├'}─${pid + 1 + i} "nginx: worker process"\n`;
  return s;
}
