/**
 * The goal kinds the HA lessons need (lessons/README.md): `state` on keepalived's VRRP
 * instances and on the daemons, `handover` (connections one director forwarded and another
 * carried on, which only the sync daemon makes possible), and `requests.window`.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from '../../../src/core/lab';
import { drHaPreset } from '../../../src/core/scenario/ha-presets';
import { drPreset } from '../../../src/core/scenario/presets';
import { GoalWatcher } from '../../../src/lessons/goals';
import type { Goal } from '../../../src/lessons/schema';

const SEC = 1_000_000;

function watch(lab: Lab, goal: Goal): GoalWatcher {
  return new GoalWatcher(lab, goal);
}

describe('state goals on HA daemons', () => {
  it('vrrp: every VRRP instance of the node in that state; keepalived / ldirectord running or stopped', () => {
    const lab = Lab.of(drHaPreset());
    expect(watch(lab, { state: { node: 'director1', machine: 'vrrp', is: 'MASTER' } }).met()).toBe(false); // still INIT/BACKUP
    lab.advance(5 * SEC);
    expect(watch(lab, { state: { node: 'director1', machine: 'vrrp', is: 'MASTER' } }).met()).toBe(true);
    expect(watch(lab, { state: { node: 'director2', machine: 'vrrp', is: 'BACKUP' } }).met()).toBe(true);
    expect(watch(lab, { state: { node: 'director2', machine: 'keepalived', is: 'running' } }).met()).toBe(true);
    lab.apply({ type: 'power', node: 'director1', on: false });
    lab.advance(5 * SEC);
    expect(watch(lab, { state: { node: 'director2', machine: 'vrrp', is: 'MASTER' } }).met()).toBe(true);
    // A node without keepalived running has no VRRP state at all.
    expect(watch(lab, { state: { node: 'director1', machine: 'vrrp', is: 'BACKUP' } }).met()).toBe(false);
    expect(watch(lab, { state: { node: 'director1', machine: 'keepalived', is: 'stopped' } }).met()).toBe(true);
    const dr = Lab.of(drPreset());
    expect(watch(dr, { state: { node: 'director', machine: 'ldirectord', is: 'stopped' } }).met()).toBe(true);
  });
});

describe('handover', () => {
  /** Slow real servers, so connections stay open across the failover of director1. */
  function failover(sync: boolean): { lab: Lab; w: GoalWatcher } {
    const lab = Lab.of(drHaPreset({ sync }));
    lab.advance(8 * SEC);
    for (const rs of ['rs1', 'rs2', 'rs3']) lab.apply({ type: 'slow', node: rs, factor: 200 });
    const w = watch(lab, { handover: { from: 'director1', to: 'director2', atLeast: 3 } });
    lab.advance(10 * SEC);
    expect(w.met()).toBe(false);
    lab.apply({ type: 'power', node: 'director1', on: false });
    lab.advance(15 * SEC);
    return { lab, w };
  }

  it('with the sync daemon, director2 carries on connections director1 forwarded', () => {
    expect(failover(true).w.met()).toBe(true);
  });

  it('without it, none: director2 has no entry for them', () => {
    const { w } = failover(false);
    expect(w.met()).toBe(false);
  });
});

describe('requests.window', () => {
  it('only the requests that ended in the last DURATION count', () => {
    const lab = Lab.of(drPreset());
    const w = watch(lab, { requests: { window: '5s', failed: { atMost: 0 }, ok: { atLeast: 3 } } });
    lab.advance(6 * SEC);
    expect(w.met()).toBe(true);
    lab.apply({ type: 'service', node: 'rs2', state: 'stopped' });
    lab.advance(3 * SEC);
    expect(w.met()).toBe(false); // refused connections in the window
    lab.apply({ type: 'service', node: 'rs2', state: 'running' });
    lab.advance(6 * SEC);
    expect(w.met()).toBe(true); // the failures are older than 5 s now
  });
});
