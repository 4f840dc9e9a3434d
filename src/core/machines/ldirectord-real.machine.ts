/**
 * One real server as ldirectord tracks it (ldirectord.in: service_set → _service_up /
 * _service_down): up or down, with a soft failure count. A failed check of an up server
 * counts; at `failurecount` failures it goes down ("Deleted real server" / "Quiescent real
 * server"); any success resets the count and brings a down server back ("Added" /
 * "Restored"). The check rounds that send these events are plain code (ha/ldirectord).
 */
import { assign, setup } from 'xstate';

export interface LdirRealContext {
  failcount: number;
  failurecount: number;
  /** In the IPVS table with a weight when ldirectord started (ld_start keeps it up). */
  startUp: boolean;
}

export const ldirectordRealMachine = setup({
  types: {
    context: {} as LdirRealContext,
    events: {} as { type: 'check ok' } | { type: 'check failed' },
    input: {} as { failurecount: number; up: boolean },
  },
  guards: {
    'already in the table': ({ context }) => context.startUp,
    'failed failurecount times': ({ context }) => context.failcount + 1 >= context.failurecount,
    'had soft failures': ({ context }) => context.failcount > 0,
  },
  actions: {
    'count failure': assign({ failcount: ({ context }) => context.failcount + 1 }),
    'reset failures': assign({ failcount: 0 }),
    'log soft failure': () => {},
    'log reset': () => {},
    'take down': () => {},
    'bring up': () => {},
  },
}).createMachine({
  id: 'real',
  context: ({ input }) => ({ failcount: 0, failurecount: Math.max(1, input.failurecount), startUp: input.up }),
  initial: 'starting',
  states: {
    starting: {
      always: [{ guard: 'already in the table', target: 'up' }, { target: 'down' }],
    },
    up: {
      on: {
        'check ok': { guard: 'had soft failures', actions: ['log reset', 'reset failures'] },
        'check failed': [
          { guard: 'failed failurecount times', target: 'down', actions: ['count failure', 'take down'] },
          { actions: ['count failure', 'log soft failure'] },
        ],
      },
    },
    down: {
      on: {
        'check ok': { target: 'up', actions: ['reset failures', 'bring up'] },
      },
    },
  },
});
