/**
 * The web service (nginx) on a real server: running, stopped (connections refused) or
 * hung (handshakes complete, no response ever comes). `systemctl` and the lab's failure
 * buttons send its events; a power cut stops it and boot starts it again.
 */
import { setup } from 'xstate';

export const SERVICE_START_MS = 1500;

export const webServiceMachine = setup({
  types: {
    events: {} as { type: 'start' } | { type: 'stop' } | { type: 'hang' } | { type: 'crash' } | { type: 'boot' },
    input: {} as { running: boolean },
  },
  actions: {
    listen: () => {},
    'close listener': () => {},
    freeze: () => {},
    'lose process': () => {},
  },
  guards: {
    'enabled at boot': ({ context }) => (context as { enabled: boolean }).enabled,
  },
  delays: { start: SERVICE_START_MS },
}).createMachine({
  id: 'nginx',
  context: ({ input }) => ({ enabled: input.running }),
  initial: 'init',
  states: {
    init: { always: [{ guard: 'enabled at boot', target: 'running', actions: 'listen' }, { target: 'stopped' }] },
    running: {
      on: {
        stop: { target: 'stopped', actions: 'close listener' },
        hang: { target: 'hung', actions: 'freeze' },
        crash: { target: 'down', actions: 'lose process' },
      },
    },
    hung: {
      on: {
        start: { target: 'running', actions: 'listen' },
        stop: { target: 'stopped', actions: 'close listener' },
        crash: { target: 'down', actions: 'lose process' },
      },
    },
    stopped: {
      on: {
        start: { target: 'running', actions: 'listen' },
        hang: { target: 'hung', actions: 'freeze' },
        crash: { target: 'down', actions: 'lose process' },
      },
    },
    /** Powered off; on boot the service comes back after a short start-up. */
    down: {
      on: { boot: 'starting' },
    },
    starting: {
      after: { start: { target: 'running', actions: 'listen' } },
      on: { crash: 'down' },
    },
  },
});
