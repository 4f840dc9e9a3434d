/**
 * High availability in a lab: keepalived and ldirectord on nodes, started from the
 * scenario at boot (NodeSpec.keepalived / .ldirectord hold the configuration text) or by
 * `systemctl` in the shell, killed by a power cut and started again when the node boots.
 *
 * The API the shell's systemctl uses: startKeepalived / stopKeepalived / reloadKeepalived,
 * the ldirectord equivalents, and daemonStatus.
 *
 * Importing this module registers it with the lab (`useHa`, at the bottom): the shell and
 * the HA presets import it, so does any Node entry point that runs HA scenarios.
 */
import { useHa, type HaSupport, type Lab, type LabNode } from '../lab';
import { Ipvs } from '../ipvs/ipvs';
import { Keepalived, type DaemonResult } from './keepalived/keepalived';
import { Ldirectord } from './ldirectord/ldirectord';
import { scheduleFailures } from './availability';

export type HaUnit = 'keepalived' | 'ldirectord';
export type HaAction = 'start' | 'stop' | 'restart' | 'reload' | 'kill';

/** Per node: the daemons and whether systemd starts them at boot ("enabled"). */
export interface HaNode {
  keepalived?: Keepalived;
  ldirectord?: Ldirectord;
  enabled: Record<HaUnit, boolean>;
}

const registry = new WeakMap<Lab, Map<string, HaNode>>();

function nodeOf(lab: Lab, name: string): LabNode {
  const n = lab.nodes.get(name);
  if (!n?.host) throw new Error(`no host node ${name}`);
  return n;
}

/** The HA state of a node, created on first use. */
export function haNode(lab: Lab, name: string): HaNode {
  let m = registry.get(lab);
  if (!m) {
    m = new Map();
    registry.set(lab, m);
  }
  let h = m.get(name);
  if (!h) {
    h = { enabled: { keepalived: true, ldirectord: true } };
    m.set(name, h);
  }
  return h;
}

/** The HA state of a node if it has any yet (reading it creates nothing: for views). */
export function haNodeIfAny(lab: Lab, name: string): HaNode | undefined {
  return registry.get(lab)?.get(name);
}

/** The node's IPVS, loading ip_vs (an empty table) if nothing has yet, as modprobe would. */
function ipvsFor(lab: Lab, n: LabNode): () => Ipvs {
  return () => (n.ipvs ??= new Ipvs(n.host!, lab.scenario.kernel));
}

export function keepalivedOf(lab: Lab, name: string): Keepalived {
  const h = haNode(lab, name);
  const n = nodeOf(lab, name);
  return (h.keepalived ??= new Keepalived(n.host!, ipvsFor(lab, n)));
}

export function ldirectordOf(lab: Lab, name: string): Ldirectord {
  const h = haNode(lab, name);
  const n = nodeOf(lab, name);
  return (h.ldirectord ??= new Ldirectord(n.host!, ipvsFor(lab, n)));
}

const NOT_POWERED: DaemonResult = { ok: false, errors: ['the node is powered off'], warnings: [] };

export function startKeepalived(lab: Lab, node: string, confText: string): DaemonResult {
  if (!nodeOf(lab, node).host!.powered) return NOT_POWERED;
  return keepalivedOf(lab, node).start(confText);
}

export function stopKeepalived(lab: Lab, node: string): void {
  haNode(lab, node).keepalived?.stop();
}

export function reloadKeepalived(lab: Lab, node: string, confText: string): DaemonResult {
  if (!nodeOf(lab, node).host!.powered) return NOT_POWERED;
  return keepalivedOf(lab, node).reload(confText);
}

export function startLdirectord(lab: Lab, node: string, confText: string): DaemonResult {
  if (!nodeOf(lab, node).host!.powered) return NOT_POWERED;
  return ldirectordOf(lab, node).start(confText);
}

export function stopLdirectord(lab: Lab, node: string): void {
  haNode(lab, node).ldirectord?.stop();
}

export function reloadLdirectord(lab: Lab, node: string, confText: string): DaemonResult {
  if (!nodeOf(lab, node).host!.powered) return NOT_POWERED;
  return ldirectordOf(lab, node).reload(confText);
}

export interface DaemonStatus {
  unit: HaUnit;
  active: boolean;
  enabled: boolean;
  /** Simulated time of the last start or stop. */
  since: number;
  pid: number;
  /** Journal lines, oldest first: `{ t, ident, text }`. */
  journal: { t: number; ident: string; text: string }[];
  /** keepalived: VRRP states; ldirectord: real servers. */
  detail: string[];
}

/** What `systemctl status keepalived|ldirectord` needs. */
export function daemonStatus(lab: Lab, node: string, unit: HaUnit): DaemonStatus {
  const h = haNode(lab, node);
  const d = unit === 'keepalived' ? h.keepalived : h.ldirectord;
  const detail =
    unit === 'keepalived'
      ? (h.keepalived?.states().map((s) => `(${s.name}) ${s.state} priority ${s.priority}`) ?? [])
      : (h.ldirectord?.states().map((s) => `${s.real} (${s.virtual}) ${s.up ? 'up' : 'down'}`) ?? []);
  return { unit, active: d?.running ?? false, enabled: h.enabled[unit], since: d?.since ?? 0, pid: d?.pid ?? 0, journal: d?.log.journal ?? [], detail };
}

/**
 * One lab-level action on a daemon (`{type:'daemon'}` commands, systemctl). Start and
 * reload use `confText`, else the text the daemon last ran with, else the scenario's.
 */
export function daemonAction(lab: Lab, node: string, unit: HaUnit, action: HaAction, confText?: string): DaemonResult {
  const h = haNode(lab, node);
  const spec = lab.scenario.nodes.find((s) => s.name === node);
  const last = unit === 'keepalived' ? h.keepalived?.configText : h.ldirectord?.configText;
  const text = confText ?? last ?? (unit === 'keepalived' ? spec?.keepalived : spec?.ldirectord);
  const ok: DaemonResult = { ok: true, warnings: [] };
  const start = () => (text === undefined ? { ok: false as const, errors: [`no configuration for ${unit}`], warnings: [] } : unit === 'keepalived' ? startKeepalived(lab, node, text) : startLdirectord(lab, node, text));
  switch (action) {
    case 'start':
      return start();
    case 'stop':
      if (unit === 'keepalived') stopKeepalived(lab, node);
      else stopLdirectord(lab, node);
      return ok;
    case 'restart':
      if (unit === 'keepalived') stopKeepalived(lab, node);
      else stopLdirectord(lab, node);
      return start();
    case 'reload':
      if (text === undefined) return start();
      return unit === 'keepalived' ? reloadKeepalived(lab, node, text) : reloadLdirectord(lab, node, text);
    case 'kill':
      (unit === 'keepalived' ? h.keepalived : h.ldirectord)?.kill(false);
      return ok;
  }
}

/** Power cut: the daemons die without a word (the lab then stops the kernel's sync daemons). */
export function haPowerLost(lab: Lab, node: string): void {
  const h = registry.get(lab)?.get(node);
  h?.keepalived?.kill(true);
  h?.ldirectord?.kill(true);
}

/**
 * Boot finished: enabled daemons with a configuration start again — from the event queue
 * at the same instant, not inside the power statechart's action (xstate forbids starting
 * other actors' timers from within a custom action).
 */
export function haBoot(lab: Lab, node: string): void {
  lab.world.engine.after(0, () => bootDaemons(lab, node));
}

function bootDaemons(lab: Lab, node: string): void {
  if (!lab.nodes.get(node)?.host?.powered) return;
  const h = haNode(lab, node);
  const spec = lab.scenario.nodes.find((s) => s.name === node);
  const k = h.keepalived?.configText ?? spec?.keepalived;
  if (h.enabled.keepalived && k !== undefined) startKeepalived(lab, node, k);
  const l = h.ldirectord?.configText ?? spec?.ldirectord;
  if (h.enabled.ldirectord && l !== undefined) startLdirectord(lab, node, l);
}

/** At lab build: the scenario's daemons start (as at boot), and scheduled failures are set up. */
export function attachHa(lab: Lab): void {
  for (const spec of lab.scenario.nodes) {
    if (spec.keepalived !== undefined) {
      const r = startKeepalived(lab, spec.name, spec.keepalived);
      if (!r.ok) throw new Error(`${spec.name}: keepalived.conf: ${r.errors.join('; ')}`);
    }
    if (spec.ldirectord !== undefined) {
      const r = startLdirectord(lab, spec.name, spec.ldirectord);
      if (!r.ok) throw new Error(`${spec.name}: ldirectord.cf: ${r.errors.join('; ')}`);
    }
  }
  scheduleFailures(lab);
}

/**
 * The daemons' configuration files as the node's filesystem should start with them: the
 * text keepalived/ldirectord run with (or the scenario's), at the paths they read.
 */
export function haConfigFiles(lab: Lab, node: string): { path: string; text: string }[] {
  const h = registry.get(lab)?.get(node);
  const spec = lab.scenario.nodes.find((s) => s.name === node);
  const out: { path: string; text: string }[] = [];
  const k = h?.keepalived?.configText ?? spec?.keepalived;
  if (k !== undefined) out.push({ path: '/etc/keepalived/keepalived.conf', text: k });
  const l = h?.ldirectord?.configText ?? spec?.ldirectord;
  if (l !== undefined) out.push({ path: '/etc/ha.d/ldirectord.cf', text: l });
  return out;
}

/** What the lab calls (lab.ts knows HA only through this). */
export const HA_SUPPORT: HaSupport = { attach: attachHa, boot: haBoot, powerLost: haPowerLost, daemon: daemonAction };

// Loading this module plugs HA into every lab built from now on.
useHa(HA_SUPPORT);
