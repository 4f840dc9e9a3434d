/**
 * A point-to-point link (a cable) between two ports: a host interface or a switch port.
 *
 * The model is ns-3's point-to-point channel: a frame occupies the sender's side for its
 * serialization time (len·8 / bandwidth), then arrives `latency` later. Each direction
 * has its own transmit queue. The trace event carries both times, so an animator can
 * move the packet without asking the model anything.
 */
import type { Frame } from './packet';
import type { World } from '../sim/world';
import type { Rng } from '../sim/random';

export interface Port {
  /** "rs1:eth0", "switch:p3" */
  readonly id: string;
  link: Link | undefined;
  /** Called when a frame arrives from the link. */
  receive(frame: Frame): void;
}

export interface LinkParams {
  /** One-way propagation delay in microseconds. */
  latency: number;
  /** Bits per second. */
  bandwidth: number;
  /** Loss probability in percent, 0..100. */
  lossPct: number;
}

/** A frame the link will lose (drawn when sent, reported when it would have arrived). */
class Lost {
  constructor(readonly frame: Frame) {}
}

/**
 * A FIFO of frames in flight: a ring buffer (Array#shift would move the whole array on
 * every arrival). It grows by doubling and never shrinks; a cable rarely holds many frames.
 */
class Flight {
  private items: (Frame | Lost | undefined)[] = new Array(8).fill(undefined);
  private head = 0;
  private n = 0;

  push(f: Frame | Lost): void {
    let items = this.items;
    if (this.n === items.length) {
      const cap = items.length;
      const grown: (Frame | Lost | undefined)[] = new Array(cap * 2).fill(undefined);
      for (let i = 0; i < cap; i++) grown[i] = items[(this.head + i) & (cap - 1)];
      this.items = items = grown;
      this.head = 0;
    }
    items[(this.head + this.n) & (items.length - 1)] = f;
    this.n++;
  }

  shift(): Frame | Lost | undefined {
    if (this.n === 0) return undefined;
    const items = this.items;
    const f = items[this.head];
    items[this.head] = undefined;
    this.head = (this.head + 1) & (items.length - 1);
    this.n--;
    return f;
  }
}

export const DEFAULT_LINK: LinkParams = { latency: 100, bandwidth: 1_000_000_000, lossPct: 0 };

/** Frames queued beyond this much transmit time are dropped (a txqueuelen of ~1000 at 1 Gb/s). */
const MAX_QUEUE_US = 20_000;

export class Link {
  up = true;
  private busyAB = 0;
  private busyBA = 0;
  private lossRng: Rng | undefined;
  /**
   * Frames in flight per direction. Serialization is FIFO and latency constant, so frames
   * arrive in the order they were sent: one shared arrival callback per direction pops
   * the next one, and sending a frame allocates no closure.
   */
  private flightAB = new Flight();
  private flightBA = new Flight();
  private readonly arriveAB = () => this.arrive(this.flightAB, this.b);
  private readonly arriveBA = () => this.arrive(this.flightBA, this.a);
  txFrames = 0;
  txBytes = 0;

  constructor(
    private readonly world: World,
    readonly id: string,
    readonly a: Port,
    readonly b: Port,
    public params: LinkParams = { ...DEFAULT_LINK },
  ) {
    a.link = this;
    b.link = this;
  }

  peer(p: Port): Port {
    return p === this.a ? this.b : this.a;
  }

  /**
   * Put a frame on the wire from `from`. Returns false when the frame is lost at once
   * (link down or queue full); the caller reports the drop.
   */
  transmit(from: Port, frame: Frame): 'sent' | 'link-down' | 'queue-full' {
    if (!this.up) return 'link-down';
    const eng = this.world.engine;
    const now = eng.now;
    const ab = from === this.a;
    const busy = ab ? this.busyAB : this.busyBA;
    const start = busy > now ? busy : now;
    if (start - now > MAX_QUEUE_US) return 'queue-full';
    const txTime = Math.ceil((frame.len * 8 * 1_000_000) / this.params.bandwidth);
    const done = start + txTime;
    if (ab) this.busyAB = done;
    else this.busyBA = done;
    const arrive = done + this.params.latency;
    const to = ab ? this.b : this.a;
    this.txFrames++;
    this.txBytes += frame.len;
    const trace = this.world.trace;
    if (trace.active) {
      trace.emit({ type: 'link.tx', t: start, tArrive: arrive, link: this.id, from: from.id, to: to.id, frame });
    }
    const lost = this.params.lossPct > 0 && this.lossDraw() < this.params.lossPct / 100;
    (ab ? this.flightAB : this.flightBA).push(lost ? new Lost(frame) : frame);
    eng.atRecycled(arrive, ab ? this.arriveAB : this.arriveBA);
    return 'sent';
  }

  private arrive(q: Flight, to: Port): void {
    const f = q.shift();
    if (f instanceof Lost) {
      const trace = this.world.trace;
      if (trace.active) {
        const node = to.id.slice(0, to.id.indexOf(':'));
        trace.emit({ type: 'drop', t: this.world.now, node, reason: 'link-loss', text: `lost on the cable ${this.id}`, frame: f.frame });
      }
      return;
    }
    // A cable pulled while the frame was in flight loses it.
    if (f && this.up) to.receive(f);
  }


  private lossDraw(): number {
    this.lossRng ??= this.world.random.get(`link:${this.id}:loss`);
    return this.lossRng.next();
  }
}
