/**
 * A network interface as Linux shows it: a name (any name: eth0, veth21, br0), a kind,
 * a MAC, an MTU, administrative state (`ip link set up/down`) and carrier, and IPv4
 * addresses with labels (`lo:0`, `eth0:1`) and the primary/secondary distinction that
 * source-address selection depends on.
 */
import type { Ip, Mac } from '../net/addr';
import { inPrefix } from '../net/addr';
import type { Frame } from '../net/packet';
import type { Link, Port } from '../net/link';

export type IfaceKind = 'ether' | 'loopback' | 'ipip';

export type Scope = 'global' | 'link' | 'host';

export interface IfAddr {
  addr: Ip;
  len: number;
  label: string;
  scope: Scope;
  /** A second address in a subnet the interface already has (ifa_flags IFA_F_SECONDARY). */
  secondary: boolean;
}

export class Iface implements Port {
  link: Link | undefined;
  adminUp = true;
  addrs: IfAddr[] = [];
  /** Counters as `ip -s link` prints them. */
  rxPackets = 0;
  rxBytes = 0;
  txPackets = 0;
  txBytes = 0;
  rxDropped = 0;
  txDropped = 0;

  constructor(
    readonly nodeName: string,
    readonly name: string,
    readonly kind: IfaceKind,
    readonly index: number,
    readonly mac: Mac,
    public mtu: number,
    private readonly onReceive: (dev: Iface, frame: Frame) => void,
  ) {}

  get id(): string {
    return `${this.nodeName}:${this.name}`;
  }

  /** Carrier: a loopback or tunnel always has it; an Ethernet port needs a link that is up. */
  get carrier(): boolean {
    if (this.kind !== 'ether') return true;
    return this.link !== undefined && this.link.up;
  }

  /** Usable for traffic: administratively up and with carrier (LOWER_UP). */
  get running(): boolean {
    return this.adminUp && this.carrier;
  }

  receive(frame: Frame): void {
    this.onReceive(this, frame);
  }

  hasAddr(a: Ip): boolean {
    return this.addrs.some((x) => x.addr === a);
  }

  /** First primary address whose subnet contains `target` (inet_addr_onlink / inet_select_addr's preference). */
  primaryFor(target: Ip): IfAddr | undefined {
    return this.addrs.find((x) => !x.secondary && x.scope !== 'host' && inPrefix(target, x.addr, x.len));
  }

  addAddr(a: Omit<IfAddr, 'secondary'>): IfAddr {
    const secondary = this.addrs.some((x) => x.len === a.len && inPrefix(a.addr, x.addr, x.len));
    const full: IfAddr = { ...a, secondary };
    // Linux lists primaries before secondaries; a new primary goes after the existing ones.
    this.addrs.push(full);
    return full;
  }

  delAddr(a: Ip, len: number): IfAddr | undefined {
    const i = this.addrs.findIndex((x) => x.addr === a && x.len === len);
    if (i < 0) return undefined;
    const [gone] = this.addrs.splice(i, 1);
    // Deleting a primary promotes the next secondary of the same subnet (promote_secondaries=1 on Debian).
    if (gone && !gone.secondary) {
      const next = this.addrs.find((x) => x.secondary && x.len === gone.len && inPrefix(x.addr, gone.addr, gone.len));
      if (next) next.secondary = false;
    }
    return gone;
  }
}
