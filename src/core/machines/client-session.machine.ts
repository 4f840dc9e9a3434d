/**
 * A client session as a statechart: requesting → thinking → requesting ... → done.
 * Session-level only: the packets of each request are plain code (apps/http-client).
 * Delays run on the lab's simulated clock (xstate's `clock` option, see sim-clock.ts).
 */
import { assign, setup } from 'xstate';

export interface SessionContext {
  left: number;
  ok: number;
  failed: number;
  /** Think time before the next request, drawn by the session's owner. */
  thinkMs: number;
}

export const clientSessionMachine = setup({
  types: {
    context: {} as SessionContext,
    input: {} as { requests: number },
    events: {} as { type: 'response'; ok: boolean; thinkMs: number },
  },
  delays: {
    think: ({ context }) => context.thinkMs,
  },
  guards: {
    'more requests to make': ({ context }) => context.left > 0,
  },
  actions: {
    'count response': assign(({ context, event }) => ({
      left: context.left - 1,
      ok: context.ok + (event.ok ? 1 : 0),
      failed: context.failed + (event.ok ? 0 : 1),
      thinkMs: event.thinkMs,
    })),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({ left: input.requests, ok: 0, failed: 0, thinkMs: 0 }),
  initial: 'requesting',
  states: {
    requesting: {
      on: { response: { target: 'answered', actions: 'count response' } },
    },
    answered: {
      always: [{ guard: 'more requests to make', target: 'thinking' }, { target: 'done' }],
    },
    thinking: {
      after: { think: 'requesting' },
    },
    done: { type: 'final' },
  },
});
