/**
 * One keepalived vrrp_instance: INIT → BACKUP ⇄ MASTER, FAULT, STOP, as ha.md §1.3's
 * table. States are named as keepalived logs them ("Entering MASTER STATE"). Packets,
 * addresses and logs are the runtime's (ha/vrrp/instance.ts): it provides the actions
 * and sends every received advertisement in as an event with the simulated time.
 *
 * The master-down timer is the `after` delay of BACKUP.listening: accepting an advert
 * re-enters `listening` (not BACKUP), which restarts it, and a priority-0 advert
 * re-enters it with Skew_Time instead of Master_Down_Interval.
 */
import { assign, setup } from 'xstate';
import { masterDownUs, skewUs } from '../ha/vrrp/timers';

export interface VrrpContext {
  version: 2 | 3;
  /** Effective priority (configured ± tracking weights). */
  priority: number;
  /** Configured `state MASTER` with priority 255: the address owner. */
  wantsOwner: boolean;
  advertIntUs: number;
  /** The interval the backup waits on (v3: adopted from the master's adverts). */
  masterAdverIntUs: number;
  preempt: boolean;
  preemptDelayUs: number;
  preemptUntil: number;
  ownIp: number;
  /** The running master-down (or skew) timer. */
  downUs: number;
}

export type VrrpEvent =
  | { type: 'start'; now: number; faulty: boolean }
  | { type: 'advert'; prio: number; src: number; intervalUs: number; now: number }
  | { type: 'fault' }
  | { type: 'fault cleared'; now: number }
  | { type: 'priority'; prio: number }
  | { type: 'stop' };

type Advert = Extract<VrrpEvent, { type: 'advert' }>;
const advert = (e: VrrpEvent): Advert => e as Advert;

export const vrrpInstanceMachine = setup({
  types: {
    context: {} as VrrpContext,
    events: {} as VrrpEvent,
    input: {} as Omit<VrrpContext, 'downUs' | 'preemptUntil' | 'masterAdverIntUs'>,
  },
  delays: {
    'master down': ({ context }) => context.downUs / 1000,
    'advert interval': ({ context }) => context.advertIntUs / 1000,
  },
  guards: {
    'interface is down': ({ event }) => event.type === 'start' && event.faulty,
    'address owner': ({ context }) => context.wantsOwner && context.priority === 255,
    'priority 0 advert': ({ event }) => advert(event).prio === 0,
    'advert to accept': ({ context, event }) => {
      const e = advert(event);
      return e.prio >= context.priority || !context.preempt || e.now < context.preemptUntil;
    },
    'higher priority advert': ({ context, event }) => {
      const e = advert(event);
      return e.prio > context.priority || (e.prio === context.priority && e.src > context.ownIp);
    },
  },
  actions: {
    'arm master down timer': assign({ downUs: ({ context }) => masterDownUs(context.version, context.priority, context.masterAdverIntUs) }),
    'arm skew timer': assign({ downUs: ({ context }) => skewUs(context.version, context.priority, context.masterAdverIntUs) }),
    'remember master': assign({
      masterAdverIntUs: ({ context, event }) => (context.version === 3 ? advert(event).intervalUs : context.masterAdverIntUs),
    }),
    'start preempt delay': assign({
      preemptUntil: ({ context, event }) => ('now' in event ? event.now : 0) + context.preemptDelayUs,
    }),
    'set priority': assign({ priority: ({ context, event }) => (event.type === 'priority' ? event.prio : context.priority) }),
    'become backup': () => {},
    'become master': () => {},
    'leave master': () => {},
    'become fault': () => {},
    'send advert': () => {},
    'send priority 0 advert': () => {},
    'send lower priority garps': () => {},
    'log advert timeout': () => {},
    'log priority 0 advert': () => {},
    'log lower priority advert discarded': () => {},
    'log higher priority advert': () => {},
    'log lower priority advert as master': () => {},
    stopped: () => {},
  },
}).createMachine({
  id: 'vrrp',
  context: ({ input }) => ({ ...input, masterAdverIntUs: input.advertIntUs, preemptUntil: 0, downUs: 0 }),
  initial: 'INIT',
  on: { priority: { actions: 'set priority' } },
  states: {
    INIT: {
      on: {
        start: [
          { guard: 'interface is down', target: 'FAULT' },
          { guard: 'address owner', target: 'MASTER' },
          { target: 'BACKUP', actions: 'start preempt delay' },
        ],
        stop: 'STOP',
      },
    },
    BACKUP: {
      entry: ['arm master down timer', 'become backup'],
      initial: 'listening',
      states: {
        listening: {
          after: { 'master down': { target: '#vrrp.MASTER', actions: 'log advert timeout' } },
          on: {
            advert: [
              { guard: 'priority 0 advert', target: 'listening', reenter: true, actions: ['log priority 0 advert', 'arm skew timer'] },
              { guard: 'advert to accept', target: 'listening', reenter: true, actions: ['remember master', 'arm master down timer'] },
              { actions: 'log lower priority advert discarded' },
            ],
          },
        },
      },
      on: {
        fault: 'FAULT',
        stop: 'STOP',
      },
    },
    MASTER: {
      entry: 'become master',
      exit: 'leave master',
      initial: 'advertising',
      states: {
        advertising: {
          after: { 'advert interval': { target: 'advertising', reenter: true, actions: 'send advert' } },
        },
      },
      on: {
        advert: [
          { guard: 'priority 0 advert', actions: 'send advert' },
          { guard: 'higher priority advert', target: 'BACKUP', actions: ['log higher priority advert', 'remember master'] },
          { actions: ['log lower priority advert as master', 'send advert', 'send lower priority garps'] },
        ],
        fault: { target: 'FAULT', actions: 'send priority 0 advert' },
        stop: { target: 'STOP', actions: 'send priority 0 advert' },
      },
    },
    FAULT: {
      entry: 'become fault',
      on: {
        'fault cleared': [
          { guard: 'address owner', target: 'MASTER' },
          { target: 'BACKUP', actions: 'start preempt delay' },
        ],
        stop: 'STOP',
      },
    },
    STOP: { type: 'final', entry: 'stopped' },
  },
});

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
