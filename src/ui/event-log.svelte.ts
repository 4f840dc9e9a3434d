/**
 * The Event list's state: the most recent trace events of the running lab (bounded), a
 * filter by node and kind, and the selected event the Inspector shows.
 *
 * The buffer is parallel plain arrays filled straight from the trace (two pushes per
 * event); event number `seq` sits at index `seq - first`. The panels read it when the
 * controller's `version` moves. After a rewind the lab is rebuilt and replayed, and the
 * buffer refills with the replayed events.
 */
import type { TraceEvent } from '../core/sim/trace';
import type { LabController } from './lab-controller.svelte';
import { isListed, kindOf, nodesOf, CONTROL_KINDS, EVENT_KINDS, type EventKind, type ListedEvent } from './event-format';
import type { Inspection, Names } from './inspector';
import { ip } from '../core/net/addr';
import { nodeOfAddress } from './ipvs-config';

export const CAPACITY = 20_000;

export interface Row {
  /** Increasing number across the session (stable key, selection). */
  seq: number;
  ev: ListedEvent;
  kind: EventKind;
}

export class EventLog {
  kinds: ReadonlySet<EventKind> = $state.raw(new Set(EVENT_KINDS));
  /** Node filter: '' = all nodes. */
  node = $state('');
  /** The selected event's seq. */
  selected: number | undefined = $state(undefined);
  /** Keep the newest events in view. */
  follow = $state(true);

  private evs: ListedEvent[] = [];
  private evKinds: EventKind[] = [];
  /** seq of evs[0]. */
  private first = 1;
  private next = 1;
  private cleared = 1;

  constructor(private readonly ctl: LabController) {
    ctl.watchLab((lab) => {
      this.clear();
      return lab.world.trace.subscribe((ev) => this.push(ev));
    });
    ctl.eventTimes = () => this.times();
  }

  private push(ev: TraceEvent): void {
    if (!isListed(ev)) return;
    this.evs.push(ev);
    this.evKinds.push(kindOf(ev));
    this.next++;
    // Trim in one go at 1.5× capacity, so trimming is not a shift() per event.
    if (this.evs.length >= CAPACITY * 1.5) {
      const cut = this.evs.length - CAPACITY;
      this.evs = this.evs.slice(cut);
      this.evKinds = this.evKinds.slice(cut);
      this.first += cut;
    }
  }

  clear(): void {
    this.evs = [];
    this.evKinds = [];
    this.first = this.next;
    this.cleared = this.next;
    this.selected = undefined;
  }

  get size(): number {
    void this.ctl.version;
    return this.evs.length;
  }

  /** Rows passing the filter, oldest first. */
  get visible(): readonly Row[] {
    void this.ctl.version;
    const kinds = this.kinds;
    const node = this.node;
    const all = kinds.size === EVENT_KINDS.length && node === '';
    const out: Row[] = [];
    for (let i = 0; i < this.evs.length; i++) {
      const k = this.evKinds[i]!;
      const ev = this.evs[i]!;
      if (all || (kinds.has(k) && (node === '' || nodesOf(ev).includes(node)))) out.push({ seq: this.first + i, ev, kind: k });
    }
    return out;
  }

  /** Whether older events of this lab were dropped from the buffer. */
  get trimmed(): boolean {
    void this.ctl.version;
    return this.first > this.cleared;
  }

  /** Distinct event times, ascending (for step back). */
  times(): number[] {
    const out: number[] = [];
    for (const ev of this.evs) if (out[out.length - 1] !== ev.t) out.push(ev.t);
    return out;
  }

  event(seq: number): ListedEvent | undefined {
    return this.evs[seq - this.first];
  }

  /** inspector.ts, loaded when an event is first selected (or in the background: `loadInspector`). */
  private inspect: typeof import('./inspector').inspect | undefined = $state.raw(undefined);

  loadInspector(): Promise<void> {
    return import('./inspector').then((m) => void (this.inspect = m.inspect));
  }

  /** An event is selected and the Inspector's code is on its way. */
  get inspecting(): boolean {
    return this.selected !== undefined && !this.inspect;
  }

  /** The Inspector's view of the selected event. */
  get inspection(): Inspection | undefined {
    void this.ctl.generation;
    const seq = this.selected;
    if (seq === undefined || !this.inspect) return undefined;
    const idx = seq - this.first;
    if (idx < 0 || idx >= this.evs.length) return undefined;
    return this.inspect(this.evs, idx, this.names());
  }

  private names(): Names {
    const lab = this.ctl.lab;
    return {
      macOwner: (mac) => {
        for (const n of lab.nodes.values()) for (const d of n.host?.ifaces ?? []) if (d.mac === mac) return n.name;
        return undefined;
      },
      addrOwner: (a) => {
        try {
          return nodeOfAddress(lab, ip(a));
        } catch {
          return undefined;
        }
      },
    };
  }

  toggleKind(k: EventKind): void {
    const next = new Set(this.kinds);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    this.kinds = next;
  }

  preset(which: 'all' | 'packets' | 'control' | 'drops'): void {
    if (which === 'all') this.kinds = new Set(EVENT_KINDS);
    else if (which === 'packets') this.kinds = new Set<EventKind>(['hop', 'forward', 'deliver', 'drop']);
    else if (which === 'control') this.kinds = new Set<EventKind>(CONTROL_KINDS);
    else this.kinds = new Set<EventKind>(['drop']);
  }

  select(seq: number | undefined): void {
    this.selected = seq;
    if (seq !== undefined) this.follow = false;
    if (seq !== undefined && !this.inspect) void this.loadInspector();
  }

  /** Keyboard in the list: move the selection among the visible rows; returns the new index. */
  move(rows: readonly Row[], how: 'up' | 'down' | 'first' | 'last'): number {
    if (rows.length === 0) return -1;
    const cur = this.selected === undefined ? -1 : rows.findIndex((r) => r.seq === this.selected);
    let i: number;
    if (how === 'first') i = 0;
    else if (how === 'last') i = rows.length - 1;
    else if (cur < 0) i = rows.length - 1;
    else i = Math.max(0, Math.min(rows.length - 1, cur + (how === 'up' ? -1 : 1)));
    this.select(rows[i]!.seq);
    return i;
  }

  /** Select the event object the canvas reports (by identity). */
  selectEvent(ev: unknown): boolean {
    for (let i = this.evs.length - 1; i >= 0; i--) {
      if (this.evs[i] === ev) {
        this.select(this.first + i);
        return true;
      }
    }
    return false;
  }
}
