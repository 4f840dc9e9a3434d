/**
 * The trace: the core's only way out. Every packet hop and every control-plane change is
 * an event; the renderer, the UI, tcpdump and tests subscribe. Events are plain data.
 *
 * Emitting is cheap when nobody listens (the hot path checks `active` first), so a
 * headless benchmark pays nothing for observability it does not use.
 */
import type { Micros } from './engine';
import type { Frame, Ipv4 } from '../net/packet';

/** Why a packet died, in words a learner understands (see `dropText`). */
export type DropReason =
  | 'iface-down'
  | 'link-down'
  | 'link-loss'
  | 'host-off'
  | 'not-forwarding'
  | 'not-for-us'
  | 'no-route'
  | 'rp-filter'
  | 'ttl-exceeded'
  | 'frag-needed'
  | 'arp-failed'
  | 'no-socket'
  | 'proto-unreachable'
  | 'tunnel-down'
  | 'martian'
  | 'ipvs-no-dest'
  | 'ipvs-dest-deleted'
  | 'ipvs-conn-reuse'
  | 'tcp-no-match'
  | 'queue-full';

export type TraceEvent =
  /** A frame put on a link: the renderer animates it from tStart to tArrive. */
  | { type: 'link.tx'; t: Micros; tArrive: Micros; link: string; from: string; to: string; frame: Frame }
  /** A frame seen by a device on a host (rx or tx), for capture (tcpdump) and the event list. */
  | { type: 'dev.rx' | 'dev.tx'; t: Micros; node: string; dev: string; frame: Frame }
  /** A host delivered an IP packet to a local socket or protocol. */
  | { type: 'ip.deliver'; t: Micros; node: string; ip: Ipv4 }
  /** A host forwarded an IP packet (router or IPVS); `before` is the packet as received. */
  | { type: 'ip.forward'; t: Micros; node: string; before: Ipv4; after: Ipv4; why: string }
  /** A packet was dropped. */
  | { type: 'drop'; t: Micros; node: string; reason: DropReason; text: string; frame?: Frame; ip?: Ipv4 }
  /** Control-plane and lifecycle changes: node power, service, ARP cache, IPVS config, VRRP... */
  | { type: 'ctl'; t: Micros; node: string; what: string; text: string; data?: Record<string, unknown> };

export type TraceListener = (ev: TraceEvent) => void;

export class Trace {
  private listeners: TraceListener[] = [];

  /** True when someone listens: callers skip building events otherwise. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  subscribe(fn: TraceListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(ev: TraceEvent): void {
    for (const l of this.listeners) l(ev);
  }
}
