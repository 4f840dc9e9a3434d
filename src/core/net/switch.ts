/**
 * An Ethernet switch: learns which port each source MAC lives behind, forwards known
 * unicast to that port and floods broadcast, multicast and unknown unicast.
 * Forwarding is immediate (cut-through); the links carry the delays.
 */
import type { Frame } from './packet';
import type { Link, Port } from './link';
import type { World } from '../sim/world';
import type { Mac } from './addr';

/** Second hex digit of the first octet with the group (I/G) bit set: 1 3 5 7 9 b d f. */
const GROUP_BIT_CHARS = [...'13579bdfBDF'].map((c) => c.charCodeAt(0));

/** Linux bridge / typical switch default ageing time. */
const AGEING_US = 300_000_000;

export class SwitchPort implements Port {
  link: Link | undefined;
  constructor(
    readonly sw: Switch,
    readonly name: string,
  ) {}
  get id(): string {
    return `${this.sw.name}:${this.name}`;
  }
  receive(frame: Frame): void {
    this.sw.receive(this, frame);
  }
}

export class Switch {
  readonly kind = 'switch';
  readonly ports: SwitchPort[] = [];
  private fdb = new Map<Mac, { port: SwitchPort; seen: number }>();
  powered = true;

  constructor(
    private readonly world: World,
    readonly name: string,
  ) {}

  port(name: string): SwitchPort {
    let p = this.ports.find((q) => q.name === name);
    if (!p) {
      p = new SwitchPort(this, name);
      this.ports.push(p);
    }
    return p;
  }

  /** The forwarding database as `bridge fdb` would list it. */
  fdbEntries(): { mac: Mac; port: string; age: number }[] {
    const now = this.world.now;
    return [...this.fdb].filter(([, e]) => now - e.seen < AGEING_US).map(([mac, e]) => ({ mac, port: e.port.name, age: now - e.seen }));
  }

  receive(inPort: SwitchPort, frame: Frame): void {
    if (!this.powered) return;
    const now = this.world.now;
    const src = this.fdb.get(frame.src);
    if (src) {
      src.port = inPort;
      src.seen = now;
    } else {
      this.fdb.set(frame.src, { port: inPort, seen: now });
    }
    const dst = frame.dst;
    // Group bit set: broadcast or multicast.
    const group = GROUP_BIT_CHARS.includes(dst.charCodeAt(1));
    const known = group ? undefined : this.fdb.get(dst);
    if (known && now - known.seen < AGEING_US) {
      if (known.port !== inPort) this.out(known.port, frame);
      return;
    }
    for (const p of this.ports) if (p !== inPort) this.out(p, frame);
  }

  private out(p: SwitchPort, frame: Frame): void {
    p.link?.transmit(p, frame);
  }
}
