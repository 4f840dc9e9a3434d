/**
 * A node's power lifecycle: running → (power off) → off → (power on) → booting → running.
 * While off or booting the host answers nothing, not even ARP. Booting takes BOOT_MS,
 * after which the network is up; services start a moment later (see web-service).
 */
import { setup } from 'xstate';

export const BOOT_MS = 8000;

export const hostPowerMachine = setup({
  types: {
    events: {} as { type: 'power off' } | { type: 'power on' },
  },
  actions: {
    'cut power': () => {},
    'network up': () => {},
  },
  delays: { boot: BOOT_MS },
}).createMachine({
  id: 'power',
  initial: 'running',
  states: {
    running: { on: { 'power off': { target: 'off', actions: 'cut power' } } },
    off: { on: { 'power on': 'booting' } },
    booting: {
      on: { 'power off': { target: 'off', actions: 'cut power' } },
      after: { boot: { target: 'running', actions: 'network up' } },
    },
  },
});
