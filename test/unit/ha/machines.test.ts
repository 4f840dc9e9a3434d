/**
 * The HA statecharts on their own, with xstate's pure `transition()` and `xstate/graph`:
 * VRRP's timer arithmetic and its INIT/BACKUP/MASTER/FAULT table (ha.md §1.2–1.3), the
 * keepalived checker's retry algorithm (ha.md §2.2), ldirectord's failurecount.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { vrrpInstanceMachine, type VrrpEvent } from '../../../src/core/machines/vrrp-instance.machine';
import { checkerMachine } from '../../../src/core/machines/checker.machine';
import { ldirectordRealMachine } from '../../../src/core/machines/ldirectord-real.machine';
import { masterDownUs, skewUs } from '../../../src/core/ha/vrrp/timers';

describe('VRRP timers (keepalived VRRP_TIMER_SKEW, VRRP_MS_DOWN_TIMER)', () => {
  it('v2: Skew_Time = (256 − prio)/256 s, Master_Down = 3 × advert + skew', () => {
    expect(masterDownUs(2, 100, 1e6)).toBe(3_609_375); // 3.609 s
    expect(masterDownUs(2, 150, 1e6)).toBe(3_414_062); // 3.414 s
    expect(masterDownUs(2, 50, 1e6)).toBe(3_804_687); // 3.805 s
    expect(skewUs(2, 100, 1e6)).toBe(609_375); // after a priority-0 advert
    // v2's skew does not scale with advert_int.
    expect(masterDownUs(2, 100, 2e6)).toBe(6_609_375);
  });

  it('v3: the skew scales with the master advert interval', () => {
    expect(skewUs(3, 100, 1e6)).toBe(609_375);
    expect(skewUs(3, 100, 500_000)).toBe(304_687);
    expect(masterDownUs(3, 100, 500_000)).toBe(1_804_687);
  });
});

const VRRP_INPUT = { version: 2 as const, priority: 100, wantsOwner: false, advertIntUs: 1e6, preempt: true, preemptDelayUs: 0, ownIp: 10 };

/**
 * The actions a transition leaves to run, by name; `xstate.raise`/`xstate.cancel` are
 * the `after` timers being (re)started. Context updates (assign) are applied, not listed.
 */
function named(acts: readonly { type: string }[]): string[] {
  return acts.map((a) => (a.type === 'xstate.raise' ? 'start timer' : a.type === 'xstate.cancel' ? 'cancel timer' : a.type));
}

function vrrpRun(events: VrrpEvent[], input = VRRP_INPUT) {
  let [s] = initialTransition(vrrpInstanceMachine, input);
  const actions: string[][] = [];
  for (const e of events) {
    const [next, acts] = transition(vrrpInstanceMachine, s, e);
    s = next;
    actions.push(named(acts));
  }
  return { s, actions };
}

const downTimer = { type: 'xstate.after.master down.vrrp.BACKUP.listening' } as unknown as VrrpEvent;
const advert = (prio: number, src = 20): VrrpEvent => ({ type: 'advert', prio, src, intervalUs: 1e6, now: 0 });

describe('vrrp_instance statechart', () => {
  it('INIT → BACKUP with Master_Down_Interval, → MASTER when it expires', () => {
    const { s, actions } = vrrpRun([{ type: 'start', now: 0, faulty: false }, downTimer]);
    expect(s.value).toEqual({ MASTER: 'advertising' });
    expect(actions[0]).toContain('become backup');
    expect(actions[1]).toEqual(expect.arrayContaining(['log advert timeout', 'become master']));
  });

  it('a backup resets its timer on adverts of higher or equal priority and discards lower ones (preempt)', () => {
    const a = vrrpRun([{ type: 'start', now: 0, faulty: false }, advert(150)]);
    expect(a.s.value).toEqual({ BACKUP: 'listening' });
    expect(a.s.context.downUs).toBe(3_609_375);
    expect(a.actions[1]).toEqual(['cancel timer', 'start timer']);
    const b = vrrpRun([{ type: 'start', now: 0, faulty: false }, advert(50)]);
    expect(b.actions[1]).toEqual(['log lower priority advert discarded']);
    // nopreempt accepts a lower-priority master.
    const c = vrrpRun([{ type: 'start', now: 0, faulty: false }, advert(50)], { ...VRRP_INPUT, preempt: false });
    expect(c.actions[1]).toEqual(['cancel timer', 'start timer']);
  });

  it('a priority-0 advert leaves the backup only Skew_Time', () => {
    const { s } = vrrpRun([{ type: 'start', now: 0, faulty: false }, advert(0)]);
    expect(s.context.downUs).toBe(609_375);
  });

  it('a master yields to a higher priority, or to an equal one from a higher address; answers lower ones', () => {
    const start = [{ type: 'start', now: 0, faulty: false }, downTimer] as VrrpEvent[];
    expect(vrrpRun([...start, advert(200)]).s.value).toEqual({ BACKUP: 'listening' });
    expect(vrrpRun([...start, advert(100, 20)]).s.value).toEqual({ BACKUP: 'listening' });
    const lower = vrrpRun([...start, advert(100, 5)]);
    expect(lower.s.value).toEqual({ MASTER: 'advertising' });
    expect(lower.actions[2]).toEqual(expect.arrayContaining(['send advert', 'send lower priority garps']));
    const zero = vrrpRun([...start, advert(0)]);
    expect(zero.actions[2]).toEqual(['send advert']);
  });

  it('a master that faults or stops sends priority 0 and leaves MASTER (VIPs removed)', () => {
    const f = vrrpRun([{ type: 'start', now: 0, faulty: false }, downTimer, { type: 'fault' }]);
    expect(f.s.value).toBe('FAULT');
    expect(f.actions[2]).toEqual(expect.arrayContaining(['leave master', 'send priority 0 advert', 'become fault']));
    const st = vrrpRun([{ type: 'start', now: 0, faulty: false }, downTimer, { type: 'stop' }]);
    expect(st.s.value).toBe('STOP');
    expect(st.actions[2]).toEqual(expect.arrayContaining(['leave master', 'send priority 0 advert']));
  });

  it('an address owner (state MASTER, priority 255) is MASTER at once; a faulty interface starts in FAULT', () => {
    expect(vrrpRun([{ type: 'start', now: 0, faulty: false }], { ...VRRP_INPUT, priority: 255, wantsOwner: true }).s.value).toEqual({ MASTER: 'advertising' });
    expect(vrrpRun([{ type: 'start', now: 0, faulty: true }]).s.value).toBe('FAULT');
  });

  it('preempt_delay: lower-priority adverts are accepted until it has run out', () => {
    const input = { ...VRRP_INPUT, preemptDelayUs: 30e6 };
    const early = vrrpRun([{ type: 'start', now: 0, faulty: false }, { ...advert(50), now: 10e6 } as VrrpEvent], input);
    expect(early.actions[1]).toEqual(['cancel timer', 'start timer']);
    const late = vrrpRun([{ type: 'start', now: 0, faulty: false }, { ...advert(50), now: 31e6 } as VrrpEvent], input);
    expect(late.actions[1]).toEqual(['log lower priority advert discarded']);
  });

  it('every state is reachable (xstate/graph)', () => {
    const events = [
      { type: 'start', now: 0, faulty: false },
      { type: 'start', now: 0, faulty: true },
      advert(200),
      { type: 'fault' },
      { type: 'fault cleared', now: 0 },
      { type: 'stop' },
      downTimer,
    ] as EventObject[];
    const paths = getShortestPaths(vrrpInstanceMachine, { input: VRRP_INPUT, events } as never);
    const reached = new Set(paths.map((p) => JSON.stringify((p.state as AnyMachineSnapshot).value)));
    expect([...reached].sort()).toEqual(['"FAULT"', '"INIT"', '"STOP"', '{"BACKUP":"listening"}', '{"MASTER":"advertising"}']);
  });
});

const CHECKER_INPUT = { retry: 2, alpha: false, delayLoopUs: 6e6, delayBeforeRetryUs: 2e6, warmupUs: 1e6 };
const ok = { type: 'check succeeded' } as const;
const ko = { type: 'check failed' } as const;
const after = (delay: string, id: string) => ({ type: `xstate.after.${delay}.${id}` }) as unknown as typeof ok;

function checkerRun(events: (typeof ok | typeof ko)[], input = CHECKER_INPUT) {
  let [s] = initialTransition(checkerMachine, input);
  const actions: string[][] = [];
  for (const e of events) {
    const [next, acts] = transition(checkerMachine, s, e);
    s = next;
    actions.push(named(acts));
  }
  return { s, actions };
}

describe('keepalived checker statechart (check_tcp.c: tcp_epilog)', () => {
  const first = after('warmup', 'checker.UP.warmup');
  it('an UP checker retries `retry` times, delay_before_retry apart, then goes DOWN ("failed after N retries")', () => {
    const retry = after('delay before retry', 'checker.UP.retrying');
    const r = checkerRun([first, ko, retry, ko, retry]);
    expect(r.s.value).toEqual({ UP: 'checking' });
    expect(r.s.context.retryIt).toBe(2);
    expect(r.actions[1]).toEqual(['start timer']); // delay_before_retry
    const down = checkerRun([first, ko, retry, ko, retry, ko]);
    expect(down.s.value).toEqual({ DOWN: 'waiting' });
    expect(down.s.context.retryIt).toBe(0);
    expect(down.actions[5]).toEqual(['log failure', 'report down', 'start timer']);
  });

  it('a success resets the retry count; a DOWN checker checks once per delay_loop without retries; one success brings it UP', () => {
    const retry = after('delay before retry', 'checker.UP.retrying');
    const loopUp = after('delay loop', 'checker.UP.waiting');
    const loopDown = after('delay loop', 'checker.DOWN.waiting');
    const r = checkerRun([first, ko, retry, ok, loopUp, ko, retry, ko, retry, ko, loopDown, ko, loopDown, ok]);
    expect(r.actions[3]).toEqual(['log first success', 'start timer']);
    expect(r.s.context.retryIt).toBe(0);
    expect(r.actions[11]).toEqual(['start timer']); // down: straight back to delay_loop, no retry
    expect(r.actions[13]).toEqual(['log success', 'report up', 'start timer']);
    expect(r.s.value).toEqual({ UP: 'waiting' });
  });

  it('alpha starts DOWN', () => {
    expect(checkerRun([], { ...CHECKER_INPUT, alpha: true }).s.value).toEqual({ DOWN: 'warmup' });
  });
});

describe('ldirectord real server statechart (failurecount)', () => {
  it('goes down at the failurecount-th consecutive failure; a success in between resets the count', () => {
    let [s] = initialTransition(ldirectordRealMachine, { failurecount: 3, up: true });
    const step = (e: { type: 'check ok' } | { type: 'check failed' }) => {
      const [n, a] = transition(ldirectordRealMachine, s, e);
      s = n;
      return a.map((x) => x.type);
    };
    expect(step({ type: 'check failed' })).toEqual(['log soft failure']);
    expect(step({ type: 'check failed' })).toEqual(['log soft failure']);
    expect(s.context.failcount).toBe(2);
    expect(step({ type: 'check ok' })).toEqual(['log reset']);
    expect(s.context.failcount).toBe(0);
    step({ type: 'check failed' });
    step({ type: 'check failed' });
    expect(s.value).toBe('up');
    expect(step({ type: 'check failed' })).toEqual(['take down']);
    expect(s.value).toBe('down');
    expect(step({ type: 'check ok' })).toEqual(['bring up']);
    expect(s.value).toBe('up');
  });
});
