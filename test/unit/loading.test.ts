/**
 * The shell and HA are optional parts of the core, so the page can load them on demand
 * (docs/architecture.md, "Loading"): a session makes its shell on first use from a factory
 * (given, or registered with useShell), HA plugs in with useHa, and neither changes a
 * trace by being loaded late. The page's loader (src/ui/features.ts) loads what a
 * scenario and log need.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lab, haLoaded, needsHa, useHa } from '../../src/core/lab';
import { LabSession, needsShell, type LogEntry } from '../../src/core/session';
import { defaultShell, useShell } from '../../src/core/shell/provide';
import { Shell } from '../../src/core/shell/shell';
import { HA_SUPPORT } from '../../src/core/ha/ha';
import { drPreset } from '../../src/core/scenario/classic-presets';
import { drHaPreset } from '../../src/core/scenario/ha-presets';
import { validateScenario, type Scenario } from '../../src/core/scenario/schema';
import { eventJson, TraceHasher } from '../../src/core/sim/trace-json';
import { loadFor, shellLoaded } from '../../src/ui/features';

const SEC = 1_000_000;
const shell = (lab: Lab) => new Shell(lab);
const EDIT = { type: 'shell', node: 'director', line: 'ipvsadm -E -t 192.168.10.100:80 -s wlc' } as const;
const valid = (s: unknown): Scenario => {
  const v = validateScenario(s);
  if (!v.ok) throw new Error('invalid');
  return v.scenario;
};

function hashOf(session: LabSession, until: number): string {
  const h = new TraceHasher();
  session.lab.world.trace.subscribe((ev) => h.add(JSON.stringify(eventJson(ev))));
  session.seek(until);
  return h.digest();
}

afterEach(() => {
  useShell(undefined);
  useHa(HA_SUPPORT);
});

describe('the shell, made on demand', () => {
  it('a session without a shell runs the lab, refuses shell commands and has no terminal', () => {
    const s = new LabSession(drPreset());
    expect(s.hasShell).toBe(false);
    s.seek(2 * SEC);
    expect(s.apply(EDIT)).toEqual({ ok: false, error: 'no shell in this lab' });
    expect(s.log).toEqual([]);
    expect(() => s.terminal('ipvsadm -Ln')).toThrow(/no shell/);
    expect(s.log).toEqual([]);
  });

  it('uses the registered shell once there is one, and a late shell changes no trace', () => {
    const early = new LabSession(drPreset(), { shell });
    expect(early.shell.node).toBe('director'); // made at the start, as before the shell was lazy
    const a = hashOf(early, 3 * SEC);
    expect(early.apply(EDIT).ok).toBe(true);
    const ha = a + hashOf(early, 8 * SEC);

    const late = new LabSession(drPreset());
    const b = hashOf(late, 3 * SEC);
    useShell(shell); // the page loaded it meanwhile
    expect(late.hasShell).toBe(true);
    expect(late.apply(EDIT).ok).toBe(true);
    expect(b + hashOf(late, 8 * SEC)).toBe(ha);
    expect(late.terminal('ipvsadm -Ln').output).toContain('wlc');
  });

  it('a scenario with shell events needs its shell up front', () => {
    const withEvent = { ...drPreset(), events: [{ at: '1s', cmd: EDIT }] };
    expect(needsShell(valid(withEvent))).toBe(true);
    expect(needsShell(valid(drPreset()))).toBe(false);
    expect(() => new LabSession(withEvent)).toThrow(/needs a shell/);
    const s = new LabSession(withEvent, { shell });
    s.seek(2 * SEC);
    expect(s.lab.nodes.get('director')!.ipvs!.services[0]!.schedName).toBe('wlc');
  });

  it('restoring a log with terminal lines replays them through the shell', () => {
    const log: LogEntry[] = [{ t: SEC, term: 'ipvsadm -E -t 192.168.10.100:80 -s sh' }];
    expect(needsShell(valid(drPreset()), log)).toBe(true);
    const s = LabSession.restore({ scenario: drPreset(), log, now: 2 * SEC }, { shell });
    expect(s.lab.nodes.get('director')!.ipvs!.services[0]!.schedName).toBe('sh');
  });
});

describe('HA, plugged in', () => {
  it('a lab that needs HA says so when HA is not loaded; others do not care', () => {
    useHa(undefined);
    expect(haLoaded()).toBe(false);
    expect(needsHa(valid(drHaPreset()))).toBe(true);
    expect(needsHa(valid(drPreset()))).toBe(false);
    expect(() => Lab.of(drHaPreset())).toThrow(/load src\/core\/ha/);
    expect(Lab.of(drPreset()).nodes.size).toBeGreaterThan(0);
    useHa(HA_SUPPORT);
    expect(Lab.of(drHaPreset()).nodes.has('director2')).toBe(true);
  });
});

describe("the page's loader (src/ui/features.ts)", () => {
  it('loads nothing for the default lab, and the shell for a log with terminal lines', async () => {
    expect(loadFor(drPreset(), [])).toBeUndefined();
    expect(shellLoaded()).toBe(false);
    const pending = loadFor(drPreset(), [{ t: 0, term: 'ipvsadm -Ln' }]);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(shellLoaded()).toBe(true);
    expect(defaultShell()).toBeTypeOf('function');
  });
});
