/**
 * Every preset by name: the classic NAT, DR and TUN labs (classic-presets.ts) and the
 * two-director HA labs (ha-presets.ts). Importing this module plugs HA support into the
 * lab (through ha-presets.ts), so the CLI, lessons and tests can build any of them.
 */
import type { ScenarioInput } from './schema';
import { drPreset, natPreset, tunPreset } from './classic-presets';
import { drHaPreset, natHaPreset } from './ha-presets';

export { drPreset, natPreset, tunPreset };

export const PRESETS: Record<string, () => ScenarioInput> = {
  dr: drPreset,
  nat: natPreset,
  tun: tunPreset,
  'dr-ha': () => drHaPreset(),
  'nat-ha': () => natHaPreset(),
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
