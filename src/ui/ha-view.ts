/**
 * What the page reads of HA (src/core/ha) and the two-director presets, in one chunk loaded
 * with HA (features.ts `loadHa`, also with the shell): the HA presets for the mode buttons
 * (registered with scenario-edit.ts when this module loads), every keepalived VRRP instance
 * and checker with its statechart's current state, and the VRRP MASTER. Reads only: nothing
 * here changes the lab.
 */
import type { Lab } from '../core/lab';
import { haNodeIfAny } from '../core/ha/ha';
import { drHaPreset, natHaPreset } from '../core/scenario/ha-presets';
import { useHaPresets } from './scenario-edit';
import { nodeOfAddress } from './ipvs-config';
import { topState } from './state-name';

useHaPresets({ 'dr-ha': () => drHaPreset(), 'nat-ha': () => natHaPreset() });

export interface HaMachineState {
  /** Unique in the lab: `node:vrrp:VI_1`, `node:checker:rs1:80`. */
  key: string;
  node: string;
  machine: 'vrrp' | 'checker';
  /** The VRRP instance's name, or the checked real server (node name, else address) and port. */
  name: string;
  state: string;
}

/** Every running VRRP instance and keepalived checker, director by director, in lab order. */
export function haMachines(lab: Lab): HaMachineState[] {
  const out: HaMachineState[] = [];
  for (const n of lab.nodes.values()) {
    const k = haNodeIfAny(lab, n.name)?.keepalived;
    if (!k?.running) continue;
    for (const i of k.instances) out.push({ key: `${n.name}:vrrp:${i.name}`, node: n.name, machine: 'vrrp', name: i.name, state: topState(i.actor.getSnapshot().value) });
    const used = new Set<string>();
    for (const vs of k.virtualServers) {
      for (const rs of vs.rs) {
        rs.checkers.forEach((ch, idx) => {
          const real = `${nodeOfAddress(lab, rs.conf.addr) ?? ch.label}:${rs.conf.port}`;
          let key = `${n.name}:checker:${real}${idx > 0 ? `#${idx + 1}` : ''}`;
          for (let j = 2; used.has(key); j++) key = `${n.name}:checker:${real}~${j}`;
          used.add(key);
          out.push({ key, node: n.name, machine: 'checker', name: real, state: topState(ch.actor.getSnapshot().value) });
        });
      }
    }
  }
  return out;
}

/** The VRRP state of each director running keepalived (its first instance's). */
export function vrrpStates(lab: Lab): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of lab.nodes.values()) {
    const k = haNodeIfAny(lab, n.name)?.keepalived;
    const first = k?.running ? k.instances[0] : undefined;
    if (first) out.set(n.name, first.current);
  }
  return out;
}

/** The node whose VRRP instance is MASTER (the first, if several claim it), if any. */
export function vrrpMaster(lab: Lab): string | undefined {
  for (const [node, state] of vrrpStates(lab)) if (state === 'MASTER') return node;
  return undefined;
}

/** A director of a two-director lab, for the Controls panel: power and VRRP state. */
export interface DirectorView {
  name: string;
  power: string;
  /** Its VRRP instance's state while keepalived runs there. */
  vrrp: string | undefined;
}

/** The lab's directors when it has more than one (else none: a single director has no controls of its own). */
export function directorViews(lab: Lab): DirectorView[] {
  const ds = [...lab.nodes.values()].filter((n) => n.kind === 'director');
  if (ds.length < 2) return [];
  const vrrp = vrrpStates(lab);
  return ds.map((n) => ({ name: n.name, power: topState(n.power?.getSnapshot().value), vrrp: vrrp.get(n.name) }));
}
