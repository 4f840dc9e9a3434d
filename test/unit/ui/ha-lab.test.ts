/**
 * The HA labs on the page: the DR + HA / NAT + HA modes load HA on demand (features.ts),
 * Controls address the VRRP MASTER, and the Statecharts panel draws each VRRP instance and
 * keepalived checker from the machines' own configs.
 */
import { describe, expect, it } from 'vitest';
import { machineEdges } from '../../../src/ui/statechart-model';
import { vrrpInstanceMachine } from '../../../src/core/machines/vrrp-instance.machine';
import { checkerMachine } from '../../../src/core/machines/checker.machine';
import { isHaPreset, isPresetName, PRESET_NAMES, presetOf, presetScenario } from '../../../src/ui/scenario-edit';
import { haView } from '../../../src/ui/features';
import { LabApp, type PageEnv } from '../../../src/ui/app-state.svelte';
import { Statecharts, VRRP_CHART, CHECKER_CHART } from '../../../src/ui/statecharts.svelte';
import { useShell } from '../../../src/core/shell/provide';
import { Shell } from '../../../src/core/shell/shell';

useShell((lab) => new Shell(lab));

const env: PageEnv = { hash: () => '', clearHash() {}, href: (f) => `http://lab/#${f}`, copy: async () => false, languages: ['en-US'], prefersReducedMotion: false };

describe('statecharts of nested machines', () => {
  it('lifts nested transitions to their top-level states and leaves internal ones out', () => {
    const v = machineEdges(vrrpInstanceMachine.config as never);
    expect(v.states).toEqual(['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP']);
    expect(v.edges).toContainEqual({ from: 'BACKUP', to: 'MASTER', label: 'after master down' });
    expect(v.edges).toContainEqual({ from: 'MASTER', to: 'BACKUP', label: 'advert' });
    expect(v.edges).toContainEqual({ from: 'INIT', to: 'BACKUP', label: 'start' });
    expect(v.edges).toContainEqual({ from: 'FAULT', to: 'MASTER', label: 'fault cleared' });
    // BACKUP.listening re-entering itself and MASTER.advertising's timer stay inside.
    expect(v.edges.filter((e) => e.from === e.to)).toEqual([]);
    const keys = v.edges.map((e) => `${e.from}>${e.to}>${e.label}`);
    expect(new Set(keys).size).toBe(keys.length);

    const c = machineEdges(checkerMachine.config as never);
    expect(c.states).toEqual(['boot', 'UP', 'DOWN']);
    expect(c.edges).toEqual(
      expect.arrayContaining([
        { from: 'boot', to: 'DOWN', label: 'always' },
        { from: 'boot', to: 'UP', label: 'always' },
        { from: 'UP', to: 'DOWN', label: 'check failed' },
        { from: 'DOWN', to: 'UP', label: 'check succeeded' },
      ]),
    );
    expect(c.edges).toHaveLength(4);
    expect(VRRP_CHART.states.map((s) => s.id)).toEqual(v.states);
    expect(CHECKER_CHART.edges).toHaveLength(4);
  });
});

describe('the HA labs on the page', () => {
  it('HA presets are mode buttons, built only once HA is loaded', () => {
    expect(PRESET_NAMES).toEqual(['nat', 'dr', 'tun', 'dr-ha', 'nat-ha']);
    expect(isHaPreset('dr-ha') && isHaPreset('nat-ha') && !isHaPreset('dr')).toBe(true);
    expect(isPresetName('nat-ha')).toBe(true);
    expect(presetOf({ name: 'dr-ha' })).toBe('dr-ha');
    expect(haView()).toBeUndefined();
    expect(() => presetScenario('dr-ha')).toThrow(/needs HA/);
  });

  it('DR + HA: director1 MASTER, failover to director2 after a power cut; Controls and Statecharts follow', async () => {
    const app = new LabApp(env, {});
    app.ctl.play = () => {}; // no requestAnimationFrame in Node
    await app.setMode('dr-ha');
    expect(haView()).toBeDefined();
    expect(app.ctl.preset).toBe('dr-ha');
    expect(app.ctl.session.scenario.name).toBe('dr-ha');
    const sc = new Statecharts(app.ctl);

    // Before the election: no MASTER, changes go to director1.
    expect(app.controls.target).toEqual({ node: 'director1', master: false });
    app.ctl.seek(6_000_000);
    expect(app.controls.target).toEqual({ node: 'director1', master: true });
    expect(haView()!.directorViews(app.ctl.lab)).toEqual([
      { name: 'director1', power: 'running', vrrp: 'MASTER' },
      { name: 'director2', power: 'running', vrrp: 'BACKUP' },
    ]);
    let ms = sc.machines;
    const by = (key: string) => ms.find((m) => m.key === key);
    expect(by('director1:vrrp:VI_1')?.current).toBe('MASTER');
    expect(by('director2:vrrp:VI_1')?.current).toBe('BACKUP');
    expect(ms.filter((m) => m.machine === 'checker').map((m) => m.key)).toEqual(
      ['director1', 'director2'].flatMap((d) => ['rs1', 'rs2', 'rs3'].map((r) => `${d}:checker:${r}:80`)),
    );
    expect(ms.filter((m) => m.machine === 'checker').every((m) => m.current === 'UP')).toBe(true);
    expect(by('director1:power')?.current).toBe('running');

    app.controls.power('director1', false);
    app.ctl.seek(12_000_000);
    ms = sc.machines;
    expect(by('director1:vrrp:VI_1')?.current).toBeUndefined(); // keepalived died with its host
    expect(by('director2:vrrp:VI_1')).toMatchObject({ current: 'MASTER', last: { from: 'BACKUP', to: 'MASTER' } });
    expect(app.controls.target).toEqual({ node: 'director2', master: true });

    app.controls.setScheduler('wlc');
    expect(app.ctl.commands[0]).toMatchObject({ node: 'director2', ok: true });
    expect(app.ctl.commands[0]?.text).toMatch(/^ipvsadm -E .* -s wlc/);
    expect(app.controls.service?.sched).toBe('wlc');
  });

  it('NAT + HA builds; a classic lab has no director list', async () => {
    const app = new LabApp(env, {});
    app.ctl.play = () => {};
    expect(haView()?.directorViews(app.ctl.lab) ?? []).toEqual([]);
    expect(app.controls.target).toEqual({ node: 'director', master: false });
    await app.setMode('nat-ha');
    app.ctl.seek(6_000_000);
    expect(app.controls.target).toMatchObject({ node: 'director1', master: true });
    expect(new Statecharts(app.ctl).machines.find((m) => m.key === 'director2:vrrp:VI_1')?.current).toBe('BACKUP');
  });
});
