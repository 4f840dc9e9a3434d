import { describe, expect, it } from 'vitest';
import { LabSession } from '../../../src/core/session';
import { drPreset } from '../../../src/core/scenario/presets';
import { LabController } from '../../../src/ui/lab-controller.svelte';
import { EventLog } from '../../../src/ui/event-log.svelte';
import { Controls } from '../../../src/ui/controls.svelte';
import { Charts } from '../../../src/ui/charts.svelte';
import { LabApp, type PageEnv } from '../../../src/ui/app-state.svelte';
import { ipvsadmText } from '../../../src/ui/ipvs-tables';
import { decodeFragment, encodeEnvelope, toEnvelope } from '../../../src/share/codec';
import { useShell } from '../../../src/core/shell/provide';
import { Shell } from '../../../src/core/shell/shell';

// Node code registers the shell up front; the page loads it on demand (src/ui/features.ts).
useShell((lab) => new Shell(lab));

function env(hash = ''): PageEnv & { cleared: boolean } {
  let h = hash;
  return {
    cleared: false,
    hash: () => h,
    clearHash() {
      h = '';
      this.cleared = true;
    },
    href: (f) => `http://lab/#${f}`,
    copy: async () => false,
    languages: ['en-US'],
    prefersReducedMotion: false,
  };
}

const lnc = (s: LabSession) => ipvsadmText(s.lab, 'director', ['-Lnc'])!.text;

describe('lab controller', () => {
  it('step runs to the next event; step back rewinds to the previous one', () => {
    const ctl = new LabController(new LabSession(drPreset()), 'dr');
    const log = new EventLog(ctl);
    ctl.seek(1_000_000);
    expect(ctl.now).toBe(1_000_000);
    ctl.step();
    const t1 = ctl.now;
    expect(t1).toBeGreaterThan(1_000_000);
    ctl.step();
    const t2 = ctl.now;
    expect(t2).toBeGreaterThanOrEqual(t1);
    ctl.stepBack();
    expect(ctl.now).toBeLessThan(t2);
    expect(log.size).toBeGreaterThan(10); // refilled by the replay
  });

  it('controls send ipvsadm lines that change the director, logged as shell commands', () => {
    const ctl = new LabController(new LabSession(drPreset()), 'dr');
    const c = new Controls(ctl);
    ctl.seek(500_000);
    c.setScheduler('wlc');
    expect(c.service?.sched).toBe('wlc');
    const rs2 = c.servers.find((s) => s.name === 'rs2')!;
    c.setWeight(rs2.dest!, 4);
    expect(c.servers.find((s) => s.name === 'rs2')!.dest!.weight).toBe(4);
    c.setPersistence(120, '255.255.255.0');
    expect(c.service).toMatchObject({ persistent: 120, netmask: '255.255.255.0', sched: 'wlc' });
    c.power('rs3', false);
    expect(c.servers.find((s) => s.name === 'rs3')!.power).toBe('off');
    c.setService('rs1', 'hung');
    expect(c.servers.find((s) => s.name === 'rs1')!.service).toBe('hung');
    expect(ctl.commands.map((x) => x.text)).toEqual([
      'lab service hang rs1',
      'lab power off rs3',
      'ipvsadm -E -t 192.168.10.100:80 -s wlc -p 120 -M 255.255.255.0',
      'ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.12:80 -g -w 4',
      'ipvsadm -E -t 192.168.10.100:80 -s wlc',
    ]);
    expect(ctl.session.log.filter((e) => 'cmd' in e && e.cmd.type === 'shell')).toHaveLength(3);
  });

  it('rewinding keeps later commands and replays them when time passes them again', () => {
    const ctl = new LabController(new LabSession(drPreset()), 'dr');
    const c = new Controls(ctl);
    ctl.seek(2_000_000);
    c.setScheduler('sh');
    ctl.seek(1_000_000);
    expect(c.service?.sched).toBe('rr');
    ctl.seek(3_000_000);
    expect(c.service?.sched).toBe('sh');
  });

  it('charts record new connections per server per second', () => {
    const ctl = new LabController(new LabSession(drPreset()), 'dr');
    const charts = new Charts(ctl);
    ctl.seek(10_000_000);
    const s = charts.series;
    expect(s.t.length).toBeGreaterThanOrEqual(9);
    expect([...s.labels.values()].sort()).toEqual(['rs1', 'rs2', 'rs3']);
    let total = 0;
    for (const a of s.cps.values()) total += a.reduce((x, y) => x + y, 0);
    const conns = ctl.lab.nodes.get('director')!.ipvs!.services[0]!.stats.conns;
    // Everything scheduled before the last full second is in the series.
    expect(total).toBeLessThanOrEqual(conns);
    expect(total).toBeGreaterThan(conns * 0.7);
    expect(charts.distribution.map((d) => d.label)).toEqual(['rs1', 'rs2', 'rs3']);
  });
});

describe('share: a session through the link and back is the same lab', () => {
  it('restores exactly (ipvsadm -Lnc byte for byte) from the encoded link', () => {
    const a = new LabSession(drPreset());
    a.seek(1_500_000);
    a.apply({ type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' });
    a.seek(3_000_000);
    a.apply({ type: 'power', node: 'rs2', on: false });
    a.terminal('ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.11:80 -g -w 3');
    a.seek(7_250_000);
    const text = encodeEnvelope(toEnvelope(a.toState(), 'dr'));
    const back = decodeFragment('#' + text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const b = LabSession.restore(back.envelope);
    expect(b.now).toBe(a.now);
    expect(lnc(b)).toBe(lnc(a));
    expect(ipvsadmText(b.lab, 'director', ['-Ln', '--stats'])!.text).toBe(ipvsadmText(a.lab, 'director', ['-Ln', '--stats'])!.text);
  });

  it('the app opens a link (paused, at its time), consumes the fragment, and reports a bad one', async () => {
    const a = new LabSession(drPreset());
    a.seek(2_000_000);
    a.apply({ type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s lc' });
    a.seek(4_000_000);
    const e = env('#' + encodeEnvelope(toEnvelope(a.toState(), 'dr')));
    const app = new LabApp(e, {});
    await app.open();
    expect(e.cleared).toBe(true);
    expect(app.ctl.playing).toBe(false);
    expect(app.ctl.session.now).toBe(4_000_000);
    expect(lnc(app.ctl.session)).toBe(lnc(a));
    expect(app.notices).toEqual([]);

    const bad = new LabApp(env('#lab=AAAA'), {});
    bad.ctl.play = () => {}; // no requestAnimationFrame in Node
    await bad.open();
    expect(bad.notices[0]).toMatchObject({ level: 'error', key: 'share.error.corrupt' });
    expect(bad.ctl.preset).toBe('dr');
    expect(bad.ctl.session.log).toEqual([]);
  });

  it('rebuilding with another kernel replays the log to the same time', async () => {
    const app = new LabApp(env(), {});
    app.ctl.seek(1_000_000);
    app.controls.setScheduler('wlc');
    app.ctl.seek(2_000_000);
    await app.setKernel('6.1');
    expect(app.ctl.session.scenario.kernel).toBe('6.1');
    expect(app.ctl.session.now).toBe(2_000_000);
    expect(app.controls.service?.sched).toBe('wlc');
    await app.setClients(5);
    expect(app.controls.traffic?.clients).toBe(5);
    expect(app.ctl.session.lab.topology().nodes.filter((n) => n.kind === 'client')).toHaveLength(5);
  });
});
