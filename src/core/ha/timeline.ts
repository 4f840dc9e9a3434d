/**
 * A failover timeline for every failure in a run, from the trace and the command log: when
 * the failure happened, the first failed health check, detection (checker down / VRRP
 * advert timeout), the IPVS change, the VRRP transition and its gratuitous ARPs, the repair
 * and the recovery — and the client requests that failed in between.
 *
 * Record from the start of a run (`new TimelineRecorder(lab)` before `advance`), then
 * `incidents()` or `format()`.
 */
import type { Lab } from '../lab';
import type { LabCommand } from '../scenario/schema';
import type { HttpResult } from '../apps/http-client';
import { ipStr } from '../net/addr';
import { secs } from './format';

export type StepKind = 'failure' | 'first failed check' | 'detection' | 'ipvs change' | 'vrrp transition' | 'gratuitous arp' | 'split brain' | 'repair' | 'recovery';

export interface Step {
  t: number;
  kind: StepKind;
  node: string;
  text: string;
}

export interface Incident {
  node: string;
  what: string;
  t0: number;
  /** Repair command time, if any. */
  repairedAt?: number;
  /** When service was whole again (RS back in IPVS / original master back), if seen. */
  recoveredAt?: number;
  steps: Step[];
  /** Client requests started in [t0, end of window): the window closes at recovery, or at the end of the run. */
  requests: { total: number; failed: number; errors: Record<string, number> };
}

interface Ctl {
  t: number;
  node: string;
  what: string;
  text: string;
  data: Record<string, unknown> | undefined;
}

const FAILS = (c: LabCommand): string | undefined => {
  switch (c.type) {
    case 'power':
      return c.on ? undefined : 'power off';
    case 'service':
      return c.state === 'running' ? undefined : `service ${c.state}`;
    case 'link':
      return c.up ? undefined : `link ${c.iface} down`;
    case 'loss':
      return c.pct > 0 ? `${c.pct}% loss on ${c.iface}` : undefined;
    case 'daemon':
      return c.action === 'stop' || c.action === 'kill' ? `${c.daemon} ${c.action}` : undefined;
    default:
      return undefined;
  }
};

const REPAIRS = (c: LabCommand): boolean =>
  (c.type === 'power' && c.on) || (c.type === 'service' && c.state === 'running') || (c.type === 'link' && c.up) || (c.type === 'loss' && c.pct === 0) || (c.type === 'daemon' && (c.action === 'start' || c.action === 'restart'));

export class TimelineRecorder {
  private readonly ctl: Ctl[] = [];
  private readonly requests: HttpResult[] = [];
  private readonly off: () => void;

  constructor(readonly lab: Lab) {
    this.off = lab.world.trace.subscribe((e) => {
      if (e.type === 'ctl') this.ctl.push({ t: e.t, node: e.node, what: e.what, text: e.text, data: e.data });
    });
    lab.traffic?.onRequest((r) => this.requests.push(r));
  }

  dispose(): void {
    this.off();
  }

  /** Addresses of a node's Ethernet interfaces, as `ip:` prefixes of `rs` fields. */
  private addrsOf(node: string): string[] {
    const h = this.lab.nodes.get(node)?.host;
    if (!h) return [];
    return h.ifaces.filter((d) => d.kind === 'ether').flatMap((d) => d.addrs.filter((a) => !a.secondary).map((a) => `${ipStr(a.addr)}:`));
  }

  incidents(): Incident[] {
    const log = this.lab.log;
    const out: Incident[] = [];
    log.forEach((entry, i) => {
      const what = FAILS(entry.cmd);
      if (!what || !('node' in entry.cmd)) return;
      const node = entry.cmd.node;
      const t0 = entry.t;
      const repair = log.slice(i + 1).find((e) => 'node' in e.cmd && e.cmd.node === node && REPAIRS(e.cmd));
      out.push(this.incident(node, what, t0, repair?.t));
    });
    return out;
  }

  private incident(node: string, what: string, t0: number, repairedAt: number | undefined): Incident {
    const mine = this.addrsOf(node);
    const isMine = (c: Ctl) => typeof c.data?.rs === 'string' && mine.some((p) => (c.data!.rs as string).startsWith(p));
    const after = (t: number) => this.ctl.filter((c) => c.t >= t);
    const steps: Step[] = [{ t: t0, kind: 'failure', node, text: `${node}: ${what}` }];
    const firstPer = (list: Ctl[], kind: StepKind) => {
      const seen = new Set<string>();
      for (const c of list) {
        if (seen.has(c.node)) continue;
        seen.add(c.node);
        steps.push({ t: c.t, kind, node: c.node, text: c.text });
      }
    };
    const since = after(t0);
    const until = (t: number | undefined) => (c: Ctl) => t === undefined || c.t < t;
    // A real server: checkers notice, IPVS changes.
    firstPer(since.filter((c) => c.what === 'check' && c.data?.result === 'fail' && isMine(c) && until(repairedAt)(c)), 'first failed check');
    firstPer(since.filter((c) => c.what === 'check' && c.data?.result === 'down' && isMine(c) && until(repairedAt)(c)), 'detection');
    firstPer(since.filter((c) => c.what === 'ipvs' && c.data?.result === 'down' && isMine(c) && until(repairedAt)(c)), 'ipvs change');
    // A VRRP master: another node's instance takes over.
    const wasMaster = this.ctl.filter((c) => c.what === 'vrrp.state' && c.node === node && c.t <= t0).pop()?.data?.state === 'MASTER';
    const takeover = !wasMaster ? undefined : since.find((c) => c.what === 'vrrp.state' && c.data?.state === 'MASTER' && c.node !== node && until(repairedAt)(c));
    if (takeover) {
      const why = since.find((c) => c.what === 'vrrp' && c.node === takeover.node && c.t <= takeover.t && /advertisement timeout|priority 0 advertisement/.test(c.text));
      if (why) steps.push({ t: why.t, kind: 'detection', node: why.node, text: why.text });
      steps.push({ t: takeover.t, kind: 'vrrp transition', node: takeover.node, text: takeover.text });
      const garp = since.find((c) => c.what === 'vrrp.garp' && c.node === takeover.node && c.t >= takeover.t);
      if (garp) steps.push({ t: garp.t, kind: 'gratuitous arp', node: garp.node, text: garp.text });
    }
    const split = this.splitBrain(t0, repairedAt);
    if (split) steps.push(split);
    let recoveredAt: number | undefined;
    if (repairedAt !== undefined) {
      steps.push({ t: repairedAt, kind: 'repair', node, text: `${node}: repaired` });
      const back = after(repairedAt).find((c) => (c.what === 'ipvs' && c.data?.result === 'up' && isMine(c)) || (c.what === 'vrrp.state' && c.data?.state === 'MASTER' && c.node === node));
      if (back) {
        recoveredAt = back.t;
        steps.push({ t: back.t, kind: 'recovery', node: back.node, text: back.text });
      }
    }
    steps.sort((a, b) => a.t - b.t);
    const end = recoveredAt ?? Number.POSITIVE_INFINITY;
    const inWindow = this.requests.filter((r) => r.tStart >= t0 && r.tStart < end);
    const errors: Record<string, number> = {};
    for (const r of inWindow) if (!r.ok) errors[r.error ?? 'unknown'] = (errors[r.error ?? 'unknown'] ?? 0) + 1;
    return {
      node,
      what,
      t0,
      ...(repairedAt !== undefined ? { repairedAt } : {}),
      ...(recoveredAt !== undefined ? { recoveredAt } : {}),
      steps,
      requests: { total: inWindow.length, failed: inWindow.filter((r) => !r.ok).length, errors },
    };
  }

  /** The first moment in [t0, end) when two nodes are VRRP MASTER at once. */
  private splitBrain(t0: number, end: number | undefined): Step | undefined {
    const state = new Map<string, unknown>();
    for (const c of this.ctl) {
      if (c.what !== 'vrrp.state') continue;
      state.set(c.node, c.data?.state);
      if (c.t < t0 || (end !== undefined && c.t >= end)) continue;
      const masters = [...state].filter(([, v]) => v === 'MASTER').map(([n]) => n);
      if (masters.length > 1) return { t: c.t, kind: 'split brain', node: c.node, text: `two masters: ${masters.join(' and ')} both hold the VIPs` };
    }
    return undefined;
  }

  /** The timeline as text, one block per incident, times relative to the failure. */
  format(): string[] {
    const out: string[] = [];
    this.incidents().forEach((inc, i) => {
      out.push(`incident ${i + 1}: ${inc.node} ${inc.what} at ${secs(inc.t0)}`);
      for (const s of inc.steps) out.push(`  +${secs(s.t - inc.t0).padStart(10)}  ${s.kind.padEnd(18)} ${s.node.padEnd(10)} ${s.text}`);
      const errs = Object.entries(inc.requests.errors)
        .map(([e, n]) => `${e} ×${n}`)
        .join(', ');
      out.push(`  requests in the window: ${inc.requests.failed} of ${inc.requests.total} failed${errs ? ` (${errs})` : ''}`);
    });
    if (out.length === 0) out.push('no failures in this run');
    return out;
  }
}
