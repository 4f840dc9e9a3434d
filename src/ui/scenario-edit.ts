/**
 * Lab options that change the scenario itself rather than the running lab: the kernel
 * profile, the number of client machines and the client session style. Each returns a new
 * scenario (the lab is then rebuilt and the learner's log replayed on it). Pure.
 */
import type { ScenarioInput } from '../core/scenario/schema';
import { drPreset, natPreset, tunPreset } from '../core/scenario/classic-presets';

export type ClassicPresetName = 'dr' | 'nat' | 'tun';
/** The two-director labs (keepalived): their presets load with HA (features.ts, ha-view.ts). */
export type HaPresetName = 'dr-ha' | 'nat-ha';
export type PresetName = ClassicPresetName | HaPresetName;
export const PRESET_NAMES: readonly PresetName[] = ['nat', 'dr', 'tun', 'dr-ha', 'nat-ha'];
export type Kernel = '6.12' | '6.1';
export const MAX_CLIENTS = 8;

export interface TrafficStyle {
  mode: 'session' | 'open';
  requestsPerSession: number;
  thinkMs: number;
}

export function isPresetName(x: unknown): x is PresetName {
  return x === 'dr' || x === 'nat' || x === 'tun' || isHaPreset(x);
}

export function isHaPreset(x: unknown): x is HaPresetName {
  return x === 'dr-ha' || x === 'nat-ha';
}

const PRESETS: Record<ClassicPresetName, () => ScenarioInput> = { dr: drPreset, nat: natPreset, tun: tunPreset };
let haPresets: Readonly<Record<HaPresetName, () => ScenarioInput>> | undefined;

/** The HA presets, registered by ha-view.ts when it loads (it brings src/core/ha along). */
export function useHaPresets(p: Readonly<Record<HaPresetName, () => ScenarioInput>>): void {
  haPresets = p;
}

export function haPresetsLoaded(): boolean {
  return haPresets !== undefined;
}

/** A preset's scenario; an HA preset needs HA loaded first (features.ts `loadHa`), else this throws. */
export function presetScenario(name: PresetName): ScenarioInput {
  if (!isHaPreset(name)) return PRESETS[name]();
  if (!haPresets) throw new Error(`${name} needs HA loaded`);
  return haPresets[name]();
}

export function withKernel(s: ScenarioInput, kernel: Kernel): ScenarioInput {
  return { ...s, kernel };
}

/** The preset's client pattern: clientN at 203.0.113.(10·N)/24 on the internet switch's port N. */
export function withClients(s: ScenarioInput, n: number): ScenarioInput {
  const count = Math.max(1, Math.min(MAX_CLIENTS, Math.floor(n)));
  const isClient = (name: string) => /^client\d+$/.test(name);
  const template = s.nodes.find((x) => x.kind === 'client');
  const gw = template?.routes?.find((r) => r.dst === 'default')?.via ?? '203.0.113.1';
  const clients = Array.from({ length: count }, (_, i) => ({
    name: `client${i + 1}`,
    kind: 'client' as const,
    ifaces: [{ name: 'eth0', mac: `52:54:00:00:01:${(0x10 + i * 0x10).toString(16).padStart(2, '0')}`, addrs: [`203.0.113.${10 * (i + 1)}/24`] }],
    routes: [{ dst: 'default' as const, via: gw }],
  }));
  const firstClient = s.nodes.findIndex((x) => isClient(x.name));
  const others = s.nodes.filter((x) => !isClient(x.name));
  const at = firstClient < 0 ? 0 : firstClient;
  const nodes = [...others.slice(0, at), ...clients, ...others.slice(at)];
  const links = [
    ...clients.map((c, i) => ({ a: `${c.name}:eth0`, b: `internet:p${i + 1}`, latency: '2ms' })),
    ...(s.links ?? []).filter((l) => !isClient(l.a.split(':')[0]!) && !isClient(l.b.split(':')[0]!)),
  ];
  return {
    ...s,
    nodes,
    links,
    ...(s.traffic ? { traffic: { ...s.traffic, clients: clients.map((c) => c.name) } } : {}),
  };
}

export function withTrafficStyle(s: ScenarioInput, style: TrafficStyle): ScenarioInput {
  if (!s.traffic) return s;
  return { ...s, traffic: { ...s.traffic, mode: style.mode, requestsPerSession: style.requestsPerSession, thinkMs: style.thinkMs } };
}

/** The director's first service with a different scheduler and weights (for the scheduler comparison). */
export function withService(s: ScenarioInput, sched: string, weights: ReadonlyMap<string, number>, persistent: number | undefined): ScenarioInput {
  return {
    ...s,
    nodes: s.nodes.map((n) => {
      if (!n.ipvs?.services?.length) return n;
      const [first, ...rest] = n.ipvs.services;
      const { persistent: _old, ...base } = first!;
      return {
        ...n,
        ipvs: {
          ...n.ipvs,
          services: [
            {
              ...base,
              sched,
              ...(persistent !== undefined ? { persistent } : {}),
              dests: (first!.dests ?? []).map((d) => ({ ...d, weight: weights.get(d.ip) ?? d.weight ?? 1 })),
            },
            ...rest,
          ],
        },
      };
    }),
  };
}

/** Which preset a scenario came from, by its name (presets are named dr/nat/tun/dr-ha/nat-ha). */
export function presetOf(s: { name?: string }): PresetName | undefined {
  return isPresetName(s.name) ? s.name : undefined;
}
