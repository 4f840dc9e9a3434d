import { describe, expect, it } from 'vitest';
import { LineEditor, commonPrefix, terminalSafe } from '../../../src/ui/line-editor';
import { nearestSpeed, previousTime, simDelta, speedLabel, SPEEDS, MAX_FRAME_MS } from '../../../src/ui/transport';
import { shortcutFor, type KeyLike } from '../../../src/ui/shortcuts';
import { formatClock, formatTime, kindOf, tcpFlags, windowOf } from '../../../src/ui/event-format';
import { layoutChart, machineEdges, topState } from '../../../src/ui/statechart-model';
import { hostPowerMachine } from '../../../src/core/machines/host-power.machine';
import { webServiceMachine } from '../../../src/core/machines/web-service.machine';
import { sanitizePrefs } from '../../../src/ui/prefs';
import { editDestLine, editServiceLine, flagsFor, type DestView, type ServiceConfig } from '../../../src/ui/ipvs-config';
import { withClients, withKernel, withService, withTrafficStyle } from '../../../src/ui/scenario-edit';
import { drPreset, natPreset } from '../../../src/core/scenario/presets';
import { validateScenario } from '../../../src/core/scenario/schema';
import { distribution } from '../../../src/ui/chart-data';

describe('line editor (the terminal input)', () => {
  const hist = ['ipvsadm -Ln', 'ip addr'];
  const io = { history: () => hist, complete: (l: string) => (/ipvsad\S*$/.test(l) ? ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore'] : l.endsWith('ss') ? ['ssh'] : []) };

  it('types, edits in the middle and submits', () => {
    const e = new LineEditor(io);
    e.key('ipvsadm -L');
    e.key('\x1b[D');
    e.key('x');
    expect(e.line).toBe('ipvsadm -xL');
    e.key('\x7f');
    expect(e.line).toBe('ipvsadm -L');
    e.key('\x1b[F');
    e.key('n');
    expect(e.key('\r')).toEqual([{ kind: 'submit', line: 'ipvsadm -Ln' }]);
    expect(e.line).toBe('');
  });

  it('walks history with up/down and comes back to the draft', () => {
    const e = new LineEditor(io);
    e.key('dra');
    e.key('\x1b[A');
    expect(e.line).toBe('ip addr');
    e.key('\x1b[A');
    expect(e.line).toBe('ipvsadm -Ln');
    e.key('\x1b[A');
    expect(e.line).toBe('ipvsadm -Ln');
    e.key('\x1b[B');
    e.key('\x1b[B');
    expect(e.line).toBe('dra');
  });

  it('completes the common prefix, lists when ambiguous, adds a space when unique', () => {
    const e = new LineEditor(io);
    e.key('ipvsad');
    expect(e.key('\t')).toEqual([expect.objectContaining({ kind: 'echo', text: 'm' })]);
    expect(e.line).toBe('ipvsadm');
    expect(e.key('\t')[0]).toEqual({ kind: 'list', items: ['ipvsadm', 'ipvsadm-save', 'ipvsadm-restore'] });
    const f = new LineEditor(io);
    f.key('ss');
    f.key('\t');
    expect(f.line).toBe('ssh ');
  });

  it('a paste of several lines submits each; control characters are dropped', () => {
    const e = new LineEditor(io);
    const out = e.key('echo a\r\necho\x1b b\n');
    expect(out.filter((r) => r.kind === 'submit')).toEqual([
      { kind: 'submit', line: 'echo a' },
      { kind: 'submit', line: 'echo b' },
    ]);
    expect(e.key('\x03')).toEqual([{ kind: 'cancel' }]);
  });

  it('terminal text is made safe: no escape sequences, CRLF', () => {
    expect(terminalSafe('a\x1b]0;title\x07b\n\x1b[2Jc\tok')).toBe('a]0;titleb\r\n[2Jc\tok');
    expect(commonPrefix(['abc', 'abd'])).toBe('ab');
  });
});

describe('transport', () => {
  it('paces simulated time by speed, clamping long frames', () => {
    expect(simDelta(16, 1)).toBe(16_000);
    expect(simDelta(16, 10)).toBe(160_000);
    expect(simDelta(16, 0.01)).toBe(160);
    expect(simDelta(5000, 1)).toBe(MAX_FRAME_MS * 1000);
    expect(simDelta(-1, 1)).toBe(0);
    expect(SPEEDS[0]).toBe(0.01);
    expect(SPEEDS.at(-1)).toBe(10);
    expect(speedLabel(0.01)).toBe('1/100×');
    expect(speedLabel(2)).toBe('2×');
    expect(nearestSpeed(3)).toBe(2);
  });

  it('step back goes to the latest event time before now', () => {
    expect(previousTime([10, 20, 30], 30)).toBe(20);
    expect(previousTime([10, 20, 30], 31)).toBe(30);
    expect(previousTime([10, 20, 30], 10)).toBe(0);
    expect(previousTime([], 5000)).toBe(4000);
  });
});

describe('keyboard shortcuts', () => {
  const k = (key: string, over: Partial<KeyLike> = {}): KeyLike => ({ key, altKey: false, ctrlKey: false, metaKey: false, targetTag: 'BODY', targetRole: null, targetEditable: false, ...over });
  it('maps the presenter keys', () => {
    expect(shortcutFor(k(' '))).toEqual({ kind: 'toggle' });
    expect(shortcutFor(k('ArrowRight'))).toEqual({ kind: 'step' });
    expect(shortcutFor(k('ArrowLeft'))).toEqual({ kind: 'back' });
    expect(shortcutFor(k('1'))).toEqual({ kind: 'mode', mode: 'nat' });
    expect(shortcutFor(k('2'))).toEqual({ kind: 'mode', mode: 'dr' });
    expect(shortcutFor(k('3'))).toEqual({ kind: 'mode', mode: 'tun' });
    expect(shortcutFor(k('?'))).toEqual({ kind: 'help' });
  });
  it('stays out of the way while typing, on buttons and sliders, and with modifiers', () => {
    expect(shortcutFor(k(' ', { targetTag: 'INPUT' }))).toBeUndefined();
    expect(shortcutFor(k('1', { targetTag: 'TEXTAREA' }))).toBeUndefined();
    expect(shortcutFor(k(' ', { targetTag: 'BUTTON' }))).toBeUndefined();
    expect(shortcutFor(k('ArrowRight', { targetRole: 'slider' }))).toBeUndefined();
    expect(shortcutFor(k('ArrowRight', { targetRole: 'listbox' }))).toBeUndefined();
    expect(shortcutFor(k('1', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(k('p', { targetEditable: true }))).toBeUndefined();
    expect(shortcutFor(k('Escape', { targetTag: 'INPUT' }))).toEqual({ kind: 'escape' });
  });
});

describe('event formatting', () => {
  it('times and flags', () => {
    expect(formatTime(3_149_353)).toBe('3.149353 s');
    expect(formatClock(3_149_353)).toBe('3.1 s');
    expect(formatClock(62_300_000)).toBe('1:02.3');
    expect(tcpFlags(0x12)).toBe('S.');
    expect(tcpFlags(0)).toBe('none');
  });
  it('kinds of control events', () => {
    expect(kindOf({ type: 'ctl', t: 0, node: 'd', what: 'ipvs.schedule', text: '' })).toBe('schedule');
    expect(kindOf({ type: 'ctl', t: 0, node: 'd', what: 'neigh', text: '' })).toBe('arp');
    expect(kindOf({ type: 'ctl', t: 0, node: 'd', what: 'vrrp.state', text: '' })).toBe('vrrp');
    expect(kindOf({ type: 'ctl', t: 0, node: 'd', what: 'power', text: '' })).toBe('power');
  });
  it('virtual list window', () => {
    expect(windowOf(0, 24, 0, 300)).toEqual({ start: 0, end: 0 });
    expect(windowOf(1000, 24, 2400, 240, 2)).toEqual({ start: 98, end: 112 });
    expect(windowOf(5, 24, 0, 1000)).toEqual({ start: 0, end: 5 });
  });
});

describe('statechart model', () => {
  it('reads states and transitions from the machines themselves', () => {
    const p = machineEdges(hostPowerMachine.config as never);
    expect(p.states).toEqual(['running', 'off', 'booting']);
    expect(p.edges).toContainEqual({ from: 'running', to: 'off', label: 'power off' });
    expect(p.edges).toContainEqual({ from: 'booting', to: 'running', label: 'after boot' });
    const s = machineEdges(webServiceMachine.config as never);
    expect(s.edges).toContainEqual({ from: 'init', to: 'running', label: 'always' });
    const c = layoutChart(webServiceMachine.config as never, 260, 150);
    for (const st of c.states) {
      expect(st.x).toBeGreaterThanOrEqual(0);
      expect(st.x).toBeLessThanOrEqual(260);
    }
    expect(topState({ running: 'x' })).toBe('running');
  });
});

describe('preferences are sanitised', () => {
  it('keeps good fields, drops bad ones', () => {
    expect(sanitizePrefs({ locale: 'zh-CN', presenter: true, speed: 5, panel: 'tables', colourMode: 'colour-blind' })).toEqual({ locale: 'zh-CN', presenter: true, speed: 5, panel: 'tables', colourMode: 'colour-blind' });
    expect(sanitizePrefs({ locale: 'fr', presenter: 'yes', speed: 1e9, panel: '<x>', colourMode: 3 })).toEqual({});
    expect(sanitizePrefs(null)).toEqual({});
  });
});

describe('ipvsadm lines for the controls', () => {
  const svc: ServiceConfig = { proto: 'tcp', vip: '192.168.10.100', port: 80, fwmark: 0, sched: 'sh', flags: ['sh-port'], persistent: undefined, netmask: '255.255.255.255' };
  it('-E carries the whole service', () => {
    expect(editServiceLine({ ...svc, sched: 'wlc' })).toBe('ipvsadm -E -t 192.168.10.100:80 -s wlc');
    expect(editServiceLine(svc)).toBe('ipvsadm -E -t 192.168.10.100:80 -s sh -b sh-port');
    expect(editServiceLine({ ...svc, sched: 'rr', persistent: 300, netmask: '255.255.255.0' })).toBe('ipvsadm -E -t 192.168.10.100:80 -s rr -p 300 -M 255.255.255.0');
    expect(editServiceLine({ ...svc, proto: 'udp', fwmark: 0, sched: 'rr' })).toBe('ipvsadm -E -u 192.168.10.100:80 -s rr');
    expect(editServiceLine({ ...svc, fwmark: 7, sched: 'rr' })).toBe('ipvsadm -E -f 7 -s rr');
    expect(flagsFor('mh')).toEqual(['mh-fallback', 'mh-port']);
  });
  it('-e keeps the forwarding method and thresholds', () => {
    const d: DestView = { node: 'rs2', ip: '192.168.10.12', port: 80, fwd: 'masq', weight: 1, upper: 10, lower: 0, activeConns: 0, inactConns: 0 };
    expect(editDestLine(svc, d, 3)).toBe('ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.12:80 -m -w 3 -x 10');
    expect(editDestLine(svc, { ...d, fwd: 'tunnel', upper: 0 }, 0)).toBe('ipvsadm -e -t 192.168.10.100:80 -r 192.168.10.12:80 -i -w 0');
  });
});

describe('scenario options', () => {
  const valid = (s: unknown) => validateScenario(s).ok;
  it('kernel, clients, traffic style and service keep the scenario valid', () => {
    expect(valid(withKernel(drPreset(), '6.1'))).toBe(true);
    for (const n of [1, 2, 5, 8]) {
      const s = withClients(natPreset(), n);
      expect(valid(s)).toBe(true);
      expect(s.traffic?.clients).toHaveLength(n);
      expect(s.nodes.filter((x) => x.kind === 'client')).toHaveLength(n);
    }
    expect(withClients(drPreset(), 99).traffic?.clients).toHaveLength(8);
    const st = withTrafficStyle(drPreset(), { mode: 'open', requestsPerSession: 1, thinkMs: 0 });
    expect(st.traffic?.mode).toBe('open');
    const sv = withService(drPreset(), 'wrr', new Map([['192.168.10.11', 5]]), 60);
    expect(valid(sv)).toBe(true);
    const dir = sv.nodes.find((n) => n.kind === 'director')!.ipvs!.services![0]!;
    expect(dir.sched).toBe('wrr');
    expect(dir.persistent).toBe(60);
    expect(dir.dests![0]!.weight).toBe(5);
  });
  it('distribution shares', () => {
    expect(distribution(new Map([['rs2', 1], ['rs10', 1], ['rs1', 2]]))).toEqual([
      { label: 'rs1', count: 2, share: 0.5 },
      { label: 'rs2', count: 1, share: 0.25 },
      { label: 'rs10', count: 1, share: 0.25 },
    ]);
  });
});
