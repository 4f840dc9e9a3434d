/**
 * Netfilter-style hook points. A hook sees an IPv4 packet and returns the packet to
 * continue with (possibly rewritten) or null when it took the packet (stolen, or dropped
 * and already reported). IPVS attaches here: requests at LOCAL_IN, NAT replies at FORWARD.
 */
import type { Ipv4 } from '../net/packet';
import type { Iface } from './iface';

export type HookPoint = 'prerouting' | 'localIn' | 'forward' | 'localOut' | 'postrouting';

/** A hook gets the packet and the devices it came in on / goes out of, when known. */
export type Hook = (pkt: Ipv4, inDev: Iface | undefined, outDev: Iface | undefined) => Ipv4 | null;

export class Hooks {
  private table: Record<HookPoint, { prio: number; fn: Hook }[]> = {
    prerouting: [],
    localIn: [],
    forward: [],
    localOut: [],
    postrouting: [],
  };

  add(point: HookPoint, prio: number, fn: Hook): () => void {
    const list = this.table[point];
    const entry = { prio, fn };
    list.push(entry);
    list.sort((a, b) => a.prio - b.prio);
    return () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Devices are plain arguments, not an object: this runs several times per packet. */
  run(point: HookPoint, pkt: Ipv4, inDev?: Iface, outDev?: Iface): Ipv4 | null {
    const list = this.table[point];
    if (list.length === 0) return pkt;
    let p: Ipv4 | null = pkt;
    for (let i = 0; i < list.length && p; i++) p = list[i]!.fn(p, inDev, outDev);
    return p;
  }
}
