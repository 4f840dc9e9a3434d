/**
 * The scheduler registry: the kernel's ip_vs_sched.c list of registered schedulers, by the
 * names `ipvsadm -s` takes. Each service gets its own instance (its sched_data).
 */
import { DestinationHashing } from './dh';
import { WeightedFailOver } from './fo';
import { LocalityLeastConnection } from './lblc';
import { LocalityLeastConnectionReplication } from './lblcr';
import { LeastConnection } from './lc';
import { MaglevHashing } from './mh';
import { NeverQueue } from './nq';
import { WeightedOverflow } from './ovf';
import { RoundRobin } from './rr';
import type { SchedContext, Scheduler } from './scheduler';
import { ShortestExpectedDelay } from './sed';
import { SourceHashing } from './sh';
import { PowerOfTwoChoices } from './twos';
import { WeightedLeastConnection } from './wlc';
import { WeightedRoundRobin } from './wrr';

export type {
  PacketView,
  SchedContext,
  SchedService,
  SchedSysctl,
  SchedTimer,
  Scheduler,
} from './scheduler';
export { defaultSysctl, schedContext } from './scheduler';

export const SCHEDULER_NAMES = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'dh',
  'sh',
  'sed',
  'nq',
  'fo',
  'ovf',
  'mh',
  'twos',
] as const;

export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** Long names as ipvsadm.8 / the Kconfig help give them. */
export const SCHEDULER_TITLES: Readonly<Record<SchedulerName, string>> = {
  rr: 'Round Robin',
  wrr: 'Weighted Round Robin',
  lc: 'Least-Connection',
  wlc: 'Weighted Least-Connection',
  lblc: 'Locality-Based Least-Connection',
  lblcr: 'Locality-Based Least-Connection with Replication',
  dh: 'Destination Hashing',
  sh: 'Source Hashing',
  sed: 'Shortest Expected Delay',
  nq: 'Never Queue',
  fo: 'Weighted Fail Over',
  ovf: 'Weighted Overflow',
  mh: 'Maglev Hashing',
  twos: 'Power of Two Choices',
};

const FACTORIES: Readonly<Record<SchedulerName, (ctx: SchedContext) => Scheduler>> = {
  rr: () => new RoundRobin(),
  wrr: () => new WeightedRoundRobin(),
  lc: () => new LeastConnection(),
  wlc: () => new WeightedLeastConnection(),
  lblc: (ctx) => new LocalityLeastConnection(ctx),
  lblcr: (ctx) => new LocalityLeastConnectionReplication(ctx),
  dh: () => new DestinationHashing(),
  sh: () => new SourceHashing(),
  sed: () => new ShortestExpectedDelay(),
  nq: () => new NeverQueue(),
  fo: () => new WeightedFailOver(),
  ovf: () => new WeightedOverflow(),
  mh: () => new MaglevHashing(),
  twos: (ctx) => new PowerOfTwoChoices(ctx),
};

export function isSchedulerName(name: string): name is SchedulerName {
  return Object.hasOwn(FACTORIES, name);
}

/**
 * A new, not yet initialised scheduler (the service calls initService when it binds it),
 * or undefined for a name no module provides — the kernel's ENOENT. `none` is not a
 * scheduler: the service simply has none.
 */
export function createScheduler(name: string, ctx: SchedContext): Scheduler | undefined {
  return isSchedulerName(name) ? FACTORIES[name](ctx) : undefined;
}
