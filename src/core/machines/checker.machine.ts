/**
 * One keepalived health checker (TCP_CHECK or HTTP_GET) for one real server, as
 * check_tcp.c's tcp_epilog and ha.md §2.2 describe it:
 *
 *   every delay_loop (first run after warmup): attempt, with connect_timeout
 *   success          → retry_it = 0; a checker that was DOWN (or on its first run) logs success → UP
 *   failure, UP      → while retry_it < retry: retry_it += 1, next attempt after delay_before_retry
 *                      then retry_it = 0, "… failed after N retries." → DOWN
 *   failure, DOWN    → one attempt per delay_loop, no retries
 *
 * UP and DOWN are keepalived's `is_up`; alpha starts the checker DOWN. The attempt itself
 * (a TCP connect or an HTTP GET) is plain code in ha/keepalived/checker.ts.
 */
import { assign, setup } from 'xstate';

export interface CheckerContext {
  retry: number;
  retryIt: number;
  hasRun: boolean;
  alpha: boolean;
  delayLoopUs: number;
  delayBeforeRetryUs: number;
  warmupUs: number;
}

export type CheckerEvent = { type: 'check succeeded' } | { type: 'check failed' };

export const checkerMachine = setup({
  types: {
    context: {} as CheckerContext,
    events: {} as CheckerEvent,
    input: {} as Omit<CheckerContext, 'retryIt' | 'hasRun'>,
  },
  delays: {
    warmup: ({ context }) => context.warmupUs / 1000,
    'delay loop': ({ context }) => context.delayLoopUs / 1000,
    'delay before retry': ({ context }) => context.delayBeforeRetryUs / 1000,
  },
  guards: {
    'alpha mode': ({ context }) => context.alpha,
    'retries left': ({ context }) => context.retryIt < context.retry,
    'first run with retries left': ({ context }) => !context.hasRun && context.retryIt < context.retry,
    'first run': ({ context }) => !context.hasRun,
  },
  actions: {
    'count retry': assign({ retryIt: ({ context }) => context.retryIt + 1, hasRun: true }),
    'reset retries': assign({ retryIt: 0, hasRun: true }),
    'start check': () => {},
    'log success': () => {},
    'log first success': () => {},
    'log failure': () => {},
    'report up': () => {},
    'report down': () => {},
  },
}).createMachine({
  id: 'checker',
  context: ({ input }) => ({ ...input, retryIt: 0, hasRun: false }),
  initial: 'boot',
  states: {
    boot: {
      always: [{ guard: 'alpha mode', target: 'DOWN.warmup' }, { target: 'UP.warmup' }],
    },
    UP: {
      initial: 'waiting',
      states: {
        warmup: { after: { warmup: 'checking' } },
        waiting: { after: { 'delay loop': 'checking' } },
        checking: {
          entry: 'start check',
          on: {
            'check succeeded': { target: 'waiting', actions: ['log first success', 'reset retries'] },
            'check failed': [
              { guard: 'retries left', target: 'retrying', actions: 'count retry' },
              { target: '#checker.DOWN.waiting', actions: ['log failure', 'reset retries', 'report down'] },
            ],
          },
        },
        retrying: { after: { 'delay before retry': 'checking' } },
      },
    },
    DOWN: {
      initial: 'waiting',
      states: {
        warmup: { after: { warmup: 'checking' } },
        waiting: { after: { 'delay loop': 'checking' } },
        checking: {
          entry: 'start check',
          on: {
            'check succeeded': { target: '#checker.UP.waiting', actions: ['log success', 'reset retries', 'report up'] },
            'check failed': [
              { guard: 'first run with retries left', target: 'retrying', actions: 'count retry' },
              { guard: 'first run', target: 'waiting', actions: ['log failure', 'reset retries'] },
              { target: 'waiting', actions: 'reset retries' },
            ],
          },
        },
        retrying: { after: { 'delay before retry': 'checking' } },
      },
    },
  },
});
