/**
 * A TCP endpoint faithful where a learner can see it: the three-way handshake, data
 * with ACKs, FIN teardown in either order, TIME_WAIT (60 s), RST for a closed port,
 * SYN / SYN-ACK retransmission with exponential back-off (tcp_syn_retries=6 gives the
 * 127 s connect timeout), ICMP errors that abort a connect, and data retransmission.
 *
 * Options as Linux 6.x writes them: a SYN carries `mss 1460,sackOK,TS val V ecr 0,nop,
 * wscale 7` (a 60-byte IP packet), a SYN-ACK answers with the options the SYN offered, and
 * once timestamps are agreed every later segment carries `nop,nop,TS val V ecr E` (a pure
 * ACK is 52 bytes). TS val is the host's millisecond clock plus a per-connection offset
 * (tcp_time_stamp in ms since 4.13, secure_tcp_ts_off); ecr echoes the peer's last TS val.
 * `net.ipv4.tcp_timestamps`, `tcp_sack` and `tcp_window_scaling` turn each option off.
 *
 * Simplified (said in the UI too): no congestion control and a fixed receive window (the
 * initial one: 64240 when connecting, 65160 when accepting, sent scaled by 2^7 after the
 * handshake, e.g. `win 502`), SACK is agreed but no SACK blocks are sent, every in-order
 * segment is ACKed at once (Linux quick-ack mode early in a connection does the same),
 * out-of-order segments are dropped and recovered by go-back-N retransmission.
 */
import type { Ip } from '../net/addr';
import { ipStr } from '../net/addr';
import type { AppData, Icmp, Ipv4, Tcp } from '../net/packet';
import { ACK, FIN, PSH, RST, SYN, makeIp } from '../net/packet';
import type { Timer } from '../sim/engine';
import type { Iface } from './iface';
import type { Host } from './host';
import { TupleMap } from '../sim/tuple-map';

export type TcpState =
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSED';

/** Why a socket ended badly, as errno: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH. */
export type TcpError = 'refused' | 'reset' | 'timeout' | 'host-unreachable' | 'net-unreachable';

export interface TcpHandlers {
  onConnected?(s: TcpSocket): void;
  /** A complete application message arrived (the segment carrying its last byte). */
  onData?(s: TcpSocket, data: AppData | undefined, len: number): void;
  /** The peer sent FIN: no more data will come. */
  onPeerClosed?(s: TcpSocket): void;
  /** The socket is gone (or in TIME_WAIT): `err` when it ended abnormally. */
  onClosed?(s: TcpSocket, err?: TcpError): void;
}

export interface TcpListener {
  addr: Ip;
  port: number;
  /** Called when a connection completes the handshake (it enters the accept queue). */
  onAccept(s: TcpSocket): void;
}

/** Shared by every socket nobody listens to (saves an object per socket). */
const NO_HANDLERS: TcpHandlers = Object.freeze({});
const NONE: Seg[] = [];

interface Seg {
  seq: number;
  flags: number;
  plen: number;
  data?: AppData;
}

export const MSS = 1460;
const TIME_WAIT_US = 60_000_000;
const RTO_INIT_US = 1_000_000;
const RTO_MIN_US = 200_000;
const RTO_MAX_US = 120_000_000;
/**
 * Initial receive window (tcp_select_initial_window): 64 KiB of space (half the default
 * 128 KiB tcp_rmem) rounded down to a multiple of the MSS the segments will carry — 44 ×
 * 1460 = 64240 when connecting; 45 × 1448 = 65160 when accepting a SYN with timestamps,
 * which take 12 bytes of every segment.
 */
const RCV_SPACE = 65536;
const initialWindow = (mss: number): number => Math.floor(RCV_SPACE / mss) * mss;
const WIN_SYN = initialWindow(MSS);
/** The window scale Linux offers with the default tcp_rmem (max 6 MiB: 6 MiB >> 7 fits in 16 bits). */
export const RCV_WSCALE = 7;
/** TCPOLEN_TSTAMP_ALIGNED: what timestamps take from every segment's payload room. */
const TS_ALIGNED = 12;

const u32 = (n: number) => n >>> 0;
/**
 * Sequence numbers live in the socket as signed 32-bit values: V8 keeps those as small
 * integers, where unsigned values above 2^31 would each be a heap-allocated number
 * (measurable at 100k connections). They become unsigned again on the wire.
 */
const i32 = (n: number) => n | 0;
/** a < b in sequence space. */
const before = (a: number, b: number) => ((a - b) | 0) < 0;

/** A 32-bit mix (murmur3's finaliser): the per-connection TS offset from the ISN's randomness. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Option bits of a socket: offered in our SYN, then what both sides agreed. */
const OPT_TS = 1;
const OPT_SACK = 2;
const OPT_WSCALE = 4;

export class TcpSocket {
  state: TcpState;
  iss: number;
  sndUna: number;
  sndNxt: number;
  rcvNxt = 0;
  sndMss = MSS;
  handlers: TcpHandlers = NO_HANDLERS;
  /** Free slot for the application owning the socket. */
  app: unknown;
  /** Segments sent and not yet acknowledged (NONE when empty: most sockets idle with none). */
  private unacked: Seg[] = NONE;
  /** When the retransmission timer is due; the engine timer itself is lazy (see rtoFired). */
  private rtoDue = 0;
  private rto = RTO_INIT_US;
  private retries = 0;
  private rtoTimer: Timer | undefined;
  private waitTimer: Timer | undefined;
  private finSent = false;
  private synSentAt = 0;
  private srtt = 0;
  /** OPT_* bits: offered (SYN_SENT) or agreed (from the handshake on). */
  private opts = 0;
  /** Added to the millisecond clock for TS val (0 with tcp_timestamps=2). Signed 32-bit, as the sequence numbers. */
  private tsOff = 0;
  /** ts_recent: the peer's last TS val, echoed as TS ecr. Signed 32-bit (unsigned on the wire). */
  private tsRecent = 0;
  /** Our receive window as sent in the SYN / SYN-ACK, unscaled. */
  private rcvWnd = WIN_SYN;

  constructor(
    readonly stack: TcpStack,
    readonly local: Ip,
    readonly lport: number,
    readonly remote: Ip,
    readonly rport: number,
    state: TcpState,
    iss: number,
  ) {
    this.state = state;
    iss = i32(iss);
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss;
  }

  /**
   * Fix the options this socket offers (connect) or agrees to (accept, given the SYN),
   * from the host's sysctls. Called before the SYN or SYN-ACK goes out.
   */
  initOptions(peerSyn?: Tcp): void {
    const sc = this.stack.host.sysctl;
    const tsMode = sc.get('net.ipv4.tcp_timestamps') ?? 1;
    let o = 0;
    if (tsMode !== 0 && (peerSyn === undefined || peerSyn.ts !== undefined)) o |= OPT_TS;
    if ((sc.get('net.ipv4.tcp_sack') ?? 1) !== 0 && (peerSyn === undefined || peerSyn.sackOk === true)) o |= OPT_SACK;
    if ((sc.get('net.ipv4.tcp_window_scaling') ?? 1) !== 0 && (peerSyn === undefined || peerSyn.wscale !== undefined)) o |= OPT_WSCALE;
    this.opts = o;
    this.tsOff = tsMode === 1 ? i32(mix32(this.iss ^ 0x5bd1e995)) : 0;
    if (peerSyn !== undefined) {
      this.rcvWnd = initialWindow(MSS - (o & OPT_TS ? TS_ALIGNED : 0));
      if (peerSyn.ts !== undefined && o & OPT_TS) this.tsRecent = i32(peerSyn.ts.val);
      this.sndMss = Math.min(MSS, peerSyn.mss ?? MSS) - (o & OPT_TS ? TS_ALIGNED : 0);
    }
  }

  /** Our TS val now: the host's millisecond clock plus this connection's offset. */
  private tsVal(): number {
    return (this.tsOff + Math.floor(this.stack.host.world.now / 1000)) >>> 0;
  }

  /** The window field after the handshake: the receive window, scaled down (rounded up, as tcp_select_window aligns it). */
  private winField(): number {
    if (this.opts & OPT_WSCALE) return Math.ceil(this.rcvWnd / (1 << RCV_WSCALE));
    return Math.min(this.rcvWnd, 65535);
  }


  /** Queue an application message of `len` bytes (segmented by MSS, PSH on the last). */
  send(data: AppData | undefined, len: number): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT') return;
    const idle = this.unacked.length === 0;
    let left = Math.max(1, len);
    while (left > 0) {
      const n = Math.min(left, this.sndMss);
      left -= n;
      const seg: Seg = { seq: this.sndNxt, flags: left === 0 ? PSH | ACK : ACK, plen: n, ...(left === 0 && data ? { data } : {}) };
      this.sndNxt = i32(this.sndNxt + n);
      this.queueSeg(seg);
      this.xmit(seg);
    }
    // tcp_event_new_data_sent: the timer starts when data goes out with none outstanding;
    // further writes must not push the deadline of the oldest segment back.
    if (idle) this.armRto();
  }

  /** close(): send FIN (orderly release). */
  close(): void {
    switch (this.state) {
      case 'SYN_SENT':
        this.finish();
        return;
      case 'SYN_RECV':
      case 'ESTABLISHED':
        this.sendFin('FIN_WAIT1');
        return;
      case 'CLOSE_WAIT':
        this.sendFin('LAST_ACK');
        return;
      default:
        return;
    }
  }

  /** abort(): RST and forget (SO_LINGER 0, or a killed process). */
  abort(): void {
    if (this.state === 'CLOSED' || this.state === 'TIME_WAIT') return;
    if (this.state !== 'SYN_SENT') this.xmit({ seq: this.sndNxt, flags: RST | ACK, plen: 0 });
    this.finish();
  }

  private sendFin(next: TcpState): void {
    const seg: Seg = { seq: this.sndNxt, flags: FIN | ACK, plen: 0 };
    this.sndNxt = i32(this.sndNxt + 1);
    this.finSent = true;
    const idle = this.unacked.length === 0;
    this.queueSeg(seg);
    this.state = next;
    this.xmit(seg);
    if (idle) this.armRto();
  }

  /** Transmit a segment of ours (also used for retransmission). */
  xmit(seg: Seg): void {
    this.xmitSeg(seg.seq, seg.flags, seg.plen, seg.data);
  }

  private xmitSeg(seq: number, flags: number, plen: number, data: AppData | undefined): void {
    const syn = (flags & SYN) !== 0;
    const withAck = (flags & ACK) !== 0;
    const o = this.opts;
    if (!syn && o & OPT_TS) {
      // The common case after the handshake, built as one literal: the same fields in the
      // same order as the general path below, without adding properties one by one.
      const ack = withAck ? u32(this.rcvNxt) : 0;
      const win = this.winField();
      const ts = { val: this.tsVal(), ecr: withAck ? u32(this.tsRecent) : 0 };
      const t: Tcp = data
        ? { kind: 'tcp', sport: this.lport, dport: this.rport, seq: u32(seq), ack, flags, win, plen, ts, data }
        : { kind: 'tcp', sport: this.lport, dport: this.rport, seq: u32(seq), ack, flags, win, plen, ts };
      this.stack.emit(this.local, this.remote, t);
      return;
    }
    const tcp: { -readonly [K in keyof Tcp]: Tcp[K] } = {
      kind: 'tcp',
      sport: this.lport,
      dport: this.rport,
      seq: u32(seq),
      ack: withAck ? u32(this.rcvNxt) : 0,
      flags,
      // tcp_transmit_skb: a SYN's window is never scaled; later ones are (RST included).
      win: syn ? this.rcvWnd : this.winField(),
      plen,
    };
    if (syn) {
      tcp.mss = MSS;
      if (o & OPT_SACK) tcp.sackOk = true;
      if (o & OPT_WSCALE) tcp.wscale = RCV_WSCALE;
    }
    if (o & OPT_TS) tcp.ts = { val: this.tsVal(), ecr: withAck ? u32(this.tsRecent) : 0 };
    if (data) tcp.data = data;
    this.stack.emit(this.local, this.remote, tcp);
  }

  sendAck(): void {
    this.xmitSeg(this.sndNxt, ACK, 0, undefined);
  }

  private queueSeg(seg: Seg): void {
    if (this.unacked === NONE) this.unacked = [seg];
    else this.unacked.push(seg);
  }

  /**
   * (Re)start the retransmission timer. The engine timer is lazy: acknowledgements only
   * move `rtoDue`, and a timer firing early re-arms itself — cancelling and re-creating a
   * timer per ACK would leave a dead event in the queue for every segment.
   */
  armRto(): void {
    if (this.unacked.length === 0) return;
    this.rtoDue = this.stack.host.world.now + this.rto;
    // A lazy timer can only fire late and re-arm: one due after the new deadline (the
    // SYN's 1 s timer, when the RTO has since dropped to 200 ms) must be brought forward.
    if (this.rtoTimer && this.rtoTimer.at > this.rtoDue) {
      this.rtoTimer.cancel();
      this.rtoTimer = undefined;
    }
    if (!this.rtoTimer) this.rtoTimer = this.stack.host.world.engine.afterWith(this.rto, onRto, this);
  }

  /** @internal the retransmission timer fired. */
  rtoFired(): void {
    this.rtoTimer = undefined;
    if (this.unacked.length === 0 || this.state === 'CLOSED') return;
    const now = this.stack.host.world.now;
    if (now < this.rtoDue) {
      this.rtoTimer = this.stack.host.world.engine.afterWith(this.rtoDue - now, onRto, this);
      return;
    }
    const first = this.unacked[0]!;
    const synSeg = (first.flags & SYN) !== 0;
    const limit = synSeg
      ? this.state === 'SYN_SENT'
        ? (this.stack.host.sysctl.get('net.ipv4.tcp_syn_retries') ?? 6)
        : (this.stack.host.sysctl.get('net.ipv4.tcp_synack_retries') ?? 5)
      : 15;
    if (this.retries >= limit) {
      this.stack.host.ctl('tcp', `${ipStr(this.local)}:${this.lport} → ${ipStr(this.remote)}:${this.rport}: gave up after ${this.retries} retransmissions`);
      this.finish('timeout');
      return;
    }
    this.retries++;
    this.rto = Math.min(this.rto * 2, RTO_MAX_US);
    for (const s of this.unacked) this.xmit(s);
    this.armRto();
  }

  /** Process a segment addressed to this socket (tcp_rcv_state_process). */
  input(t: Tcp): void {
    const flags = t.flags;
    const tseq = i32(t.seq);
    const tack = i32(t.ack);
    if (this.state === 'SYN_SENT') {
      if (flags & ACK && tack !== i32(this.iss + 1)) {
        if (!(flags & RST)) this.stack.sendRst(this.local, this.remote, t);
        return;
      }
      if (flags & RST) {
        if (flags & ACK) this.finish('refused');
        return;
      }
      if (flags & SYN && flags & ACK) {
        // What the SYN-ACK agreed to, of what our SYN offered (tcp_rcv_synsent_state_process).
        let o = this.opts;
        if (t.ts === undefined) o &= ~OPT_TS;
        else this.tsRecent = i32(t.ts.val);
        if (t.sackOk !== true) o &= ~OPT_SACK;
        if (t.wscale === undefined) o &= ~OPT_WSCALE;
        this.opts = o;
        this.rcvNxt = i32(tseq + 1);
        this.sndUna = tack;
        this.unacked = NONE;
        if (this.retries === 0) this.sample(this.stack.host.world.now - this.synSentAt);
        // tcp_set_rto from the handshake's RTT sample (at least the 200 ms minimum); with no
        // sample (the SYN was retransmitted) tcp_init_metrics falls back to 3 s (RFC 6298).
        this.rto = this.srtt > 0 ? Math.max(RTO_MIN_US, this.srtt * 3) : 3_000_000;
        this.retries = 0;
        this.sndMss = Math.min(MSS, t.mss ?? MSS) - (o & OPT_TS ? TS_ALIGNED : 0);
        this.state = 'ESTABLISHED';
        this.sendAck();
        this.handlers.onConnected?.(this);
      }
      return;
    }
    // tcp_replace_ts_recent: remember the peer's clock from segments that are not ahead of us.
    if (t.ts !== undefined && this.opts & OPT_TS && !before(this.rcvNxt, tseq) && !before(t.ts.val, this.tsRecent)) {
      this.tsRecent = i32(t.ts.val);
    }
    if (flags & RST) {
      // Accept a reset only inside the window (RFC 5961 simplified to "at rcv_nxt or later").
      if (this.state === 'SYN_RECV') {
        this.finish();
        return;
      }
      if (!before(tseq, this.rcvNxt) || tseq === this.rcvNxt) this.finish(this.state === 'TIME_WAIT' ? undefined : 'reset');
      return;
    }
    if (flags & SYN) {
      if (this.state === 'SYN_RECV' && !(flags & ACK)) {
        // A retransmitted SYN: answer with our SYN-ACK again.
        const first = this.unacked[0];
        if (first) this.xmit(first);
        return;
      }
      if (this.state === 'TIME_WAIT') return; // (tcp_timewait_state_process: ignore, simplified)
      this.sendAck(); // challenge ACK
      return;
    }
    if (!(flags & ACK)) return;

    // ACK processing.
    if (before(this.sndUna, tack) && !before(this.sndNxt, tack)) {
      this.sndUna = tack;
      while (this.unacked.length > 0) {
        const s = this.unacked[0]!;
        const end = i32(s.seq + s.plen + ((s.flags & (SYN | FIN)) !== 0 ? 1 : 0));
        if (before(tack, end)) break;
        this.unacked.shift();
      }
      if (this.unacked.length === 0) this.unacked = NONE;
      this.retries = 0;
      this.rto = this.srtt > 0 ? Math.max(RTO_MIN_US, this.srtt * 3) : RTO_MIN_US;
      this.armRto();
      this.stack.confirmPeer(this.remote);
      if (this.state === 'SYN_RECV') {
        this.state = 'ESTABLISHED';
        this.stack.accepted(this);
      }
      const finAcked = this.finSent && tack === this.sndNxt;
      if (finAcked) {
        if (this.state === 'FIN_WAIT1') {
          this.state = 'FIN_WAIT2';
          this.armWait(this.stack.finTimeout());
        } else if (this.state === 'CLOSING') {
          this.enterTimeWait();
        } else if (this.state === 'LAST_ACK') {
          this.finish();
          return;
        }
      }
    } else if (this.state === 'SYN_RECV') {
      return;
    }

    let needAck = false;
    if (t.plen > 0) {
      if (tseq === this.rcvNxt && this.canReceive()) {
        this.rcvNxt = i32(this.rcvNxt + t.plen);
        needAck = true;
        if (flags & PSH || t.data) {
          // Linux ACKs in softirq (quick-ack) before the reader runs: an application that
          // closes or answers at once sends after this ACK (capture: "." then "F.").
          if (!(flags & FIN)) {
            this.sendAck();
            needAck = false;
          }
          this.handlers.onData?.(this, t.data, t.plen);
        }
      } else {
        needAck = true; // duplicate or out of order: tell the peer what we expect
      }
    }
    if (flags & FIN && i32(tseq + t.plen) === this.rcvNxt) {
      this.rcvNxt = i32(this.rcvNxt + 1);
      needAck = true;
      switch (this.state) {
        case 'ESTABLISHED':
          this.state = 'CLOSE_WAIT';
          needAck = false;
          this.handlers.onPeerClosed?.(this);
          // An application that closes at once sends FIN+ACK, which acknowledges the peer's
          // FIN too (Linux delays the pure ACK, so the capture shows one F. segment).
          if (this.state === 'CLOSE_WAIT') this.sendAck();
          break;
        case 'FIN_WAIT1':
          this.state = 'CLOSING';
          break;
        case 'FIN_WAIT2':
          this.sendAck();
          needAck = false;
          this.enterTimeWait();
          break;
        default:
          break;
      }
    } else if (flags & FIN && this.state === 'TIME_WAIT') {
      // Our last ACK was lost: ACK again and restart the 2MSL timer.
      this.sendAck();
      this.armWait(TIME_WAIT_US);
      return;
    }
    if (needAck && this.state !== 'CLOSED') this.sendAck();
  }

  private canReceive(): boolean {
    return this.state === 'ESTABLISHED' || this.state === 'FIN_WAIT1' || this.state === 'FIN_WAIT2';
  }

  private sample(rtt: number): void {
    this.srtt = Math.max(1, rtt);
  }

  /** Send our SYN (connect) or SYN-ACK (listener), retransmitted until answered. */
  open(flags: number): void {
    const seg: Seg = { seq: this.iss, flags, plen: 0 };
    this.sndNxt = i32(this.iss + 1);
    this.queueSeg(seg);
    this.synSentAt = this.stack.host.world.now;
    this.xmit(seg);
    this.armRto();
  }

  private enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.cancelRto();
    this.unacked = NONE;
    this.armWait(TIME_WAIT_US);
    this.handlers.onClosed?.(this);
    this.handlers = NO_HANDLERS;
  }

  private armWait(us: number): void {
    this.waitTimer?.cancel();
    // One shared callback with the socket as its argument: no closure per TIME_WAIT socket.
    this.waitTimer = this.stack.host.world.engine.afterWith(us, onWait, this);
  }

  /** @internal the FIN_WAIT2 / TIME_WAIT timer fired. */
  waitFired(): void {
    this.waitTimer = undefined;
    this.finish();
  }

  private cancelRto(): void {
    this.rtoTimer?.cancel();
    this.rtoTimer = undefined;
  }

  /** The socket is gone. */
  finish(err?: TcpError): void {
    if (this.state === 'CLOSED') return;
    const wasTw = this.state === 'TIME_WAIT';
    this.state = 'CLOSED';
    this.cancelRto();
    this.waitTimer?.cancel();
    this.waitTimer = undefined;
    this.unacked = NONE;
    this.stack.remove(this);
    if (!wasTw) this.handlers.onClosed?.(this, err);
    this.handlers = NO_HANDLERS;
  }

  /** ICMP error for this connection (tcp_v4_err): fatal while connecting. */
  icmp(err: TcpError): void {
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECV') this.finish(err);
  }

  /**
   * ICMP "fragmentation needed" (tcp_v4_mtu_reduced): lower the segment size to fit the
   * reported MTU and resend what is outstanding in smaller segments at once.
   */
  pathMtu(mtu: number): void {
    const mss = Math.max(48, mtu - 40 - (this.opts & OPT_TS ? TS_ALIGNED : 0));
    if (mss >= this.sndMss) return;
    this.sndMss = mss;
    const resent: Seg[] = [];
    for (const seg of this.unacked) {
      if (seg.plen <= mss) {
        resent.push(seg);
        continue;
      }
      let off = 0;
      while (off < seg.plen) {
        const n = Math.min(mss, seg.plen - off);
        const last = off + n >= seg.plen;
        const piece: Seg = { seq: i32(seg.seq + off), flags: last ? seg.flags : ACK, plen: n };
        if (last && seg.data) piece.data = seg.data;
        resent.push(piece);
        off += n;
      }
    }
    this.unacked = resent.length ? resent : NONE;
    for (const seg of this.unacked) this.xmit(seg);
    this.armRto();
  }
}


function onRto(s: TcpSocket): void {
  s.rtoFired();
}

function onWait(s: TcpSocket): void {
  s.waitFired();
}

export class TcpStack {
  private socks = new TupleMap<TcpSocket>();
  private listeners = new Map<number, TcpListener[]>();
  private portCursor = -1;

  constructor(readonly host: Host) {}

  get count(): number {
    return this.socks.size;
  }

  sockets(): IterableIterator<TcpSocket> {
    return this.socks.values();
  }

  listen(l: TcpListener): boolean {
    const list = this.listeners.get(l.port) ?? [];
    if (list.some((x) => x.addr === l.addr || x.addr === 0 || l.addr === 0)) return false;
    list.push(l);
    this.listeners.set(l.port, list);
    return true;
  }

  unlisten(l: TcpListener): void {
    const list = this.listeners.get(l.port);
    if (!list) return;
    const rest = list.filter((x) => x !== l);
    if (rest.length) this.listeners.set(l.port, rest);
    else this.listeners.delete(l.port);
  }

  listening(port: number): boolean {
    return this.listeners.has(port);
  }

  /**
   * connect(): pick the source address by routing and an ephemeral port, send SYN.
   * Returns undefined when there is no route (ENETUNREACH, curl's "No route to host"... or
   * "Network is unreachable").
   */
  connect(dst: Ip, dport: number, handlers: TcpHandlers, src?: Ip): TcpSocket | undefined {
    const local = src ?? this.host.sourceFor(dst);
    if (local === undefined) return undefined;
    const lport = this.ephemeral(local, dst, dport);
    if (lport === 0) return undefined;
    const s = new TcpSocket(this, local, lport, dst, dport, 'SYN_SENT', this.host.rng().nextU32());
    s.handlers = handlers;
    s.initOptions();
    this.socks.set(local, lport, dst, dport, s);
    s.open(SYN);
    return s;
  }

  /** inet_hash_connect, simplified: even ports from ip_local_port_range (32768–60999) first, as Linux 6.x prefers. */
  private ephemeral(local: Ip, dst: Ip, dport: number): number {
    if (this.portCursor < 0) this.portCursor = this.host.rng().int(16384, 30499) * 2;
    for (let i = 0; i < 28232; i++) {
      let p = this.portCursor;
      this.portCursor += 2;
      if (this.portCursor > 60999) this.portCursor = this.portCursor % 2 === 0 ? 32769 : 32768;
      if (p < 32768) p = 32768;
      if (!this.socks.has(local, p, dst, dport)) return p;
    }
    return 0;
  }

  receive(pkt: Ipv4, dev: Iface): void {
    const t = pkt.l4;
    if (t.kind !== 'tcp') return;
    const s = this.socks.get(pkt.dst, t.dport, pkt.src, t.sport);
    if (s) {
      s.input(t);
      return;
    }
    void dev;
    const l = this.findListener(pkt.dst, t.dport);
    if (l && t.flags & SYN && !(t.flags & (ACK | RST))) {
      const s2 = new TcpSocket(this, pkt.dst, t.dport, pkt.src, t.sport, 'SYN_RECV', this.host.rng().nextU32());
      s2.rcvNxt = i32(t.seq + 1);
      s2.initOptions(t);
      s2.app = l;
      this.socks.set(pkt.dst, t.dport, pkt.src, t.sport, s2);
      s2.open(SYN | ACK);
      return;
    }
    if (t.flags & RST) return;
    this.host.drop('no-socket', `no socket on ${ipStr(pkt.dst)}:${t.dport}: ${this.host.name} answers RST`, { ip: pkt });
    this.sendRst(pkt.dst, pkt.src, t);
  }

  /** tcp_v4_send_reset for a segment that matched no socket. */
  sendRst(local: Ip, remote: Ip, t: Tcp): void {
    const hasAck = (t.flags & ACK) !== 0;
    const segLen = t.plen + (t.flags & SYN ? 1 : 0) + (t.flags & FIN ? 1 : 0);
    const rst: Tcp = {
      kind: 'tcp',
      sport: t.dport,
      dport: t.sport,
      seq: hasAck ? t.ack : 0,
      ack: hasAck ? 0 : u32(t.seq + segLen),
      flags: hasAck ? RST : RST | ACK,
      win: 0,
      plen: 0,
    };
    this.emit(local, remote, rst);
  }

  accepted(s: TcpSocket): void {
    const l = s.app as TcpListener | undefined;
    s.app = undefined;
    if (l && this.listeners.get(s.lport)?.includes(l)) l.onAccept(s);
    else s.abort();
  }

  emit(src: Ip, dst: Ip, tcp: Tcp): void {
    this.host.output(makeIp({ src, dst, id: this.host.nextIpId(), df: true, l4: tcp }));
  }

  remove(s: TcpSocket): void {
    this.socks.delete(s.local, s.lport, s.remote, s.rport, 0, s);
  }

  finTimeout(): number {
    return (this.host.sysctl.get('net.ipv4.tcp_fin_timeout') ?? 60) * 1_000_000;
  }

  confirmPeer(remote: Ip): void {
    const r = this.host.route(remote);
    if (r.kind === 'unicast') this.host.neigh.confirm(r.dev, r.nextHop);
  }

  icmpError(orig: Ipv4, icmp: Icmp): void {
    const t = orig.l4;
    if (t.kind !== 'tcp' || icmp.type !== 3 && icmp.type !== 11) return;
    const s = this.socks.get(orig.src, t.sport, orig.dst, t.dport);
    if (!s) return;
    if (icmp.type === 3 && icmp.code === 4 && icmp.mtu !== undefined) {
      s.pathMtu(icmp.mtu);
      return;
    }
    // tcp_v4_err: time exceeded is EHOSTUNREACH, fatal while connecting (a routing loop).
    const err: TcpError | undefined = icmp.type === 11 ? 'host-unreachable' : icmp.code === 3 || icmp.code === 2 ? 'refused' : icmp.code === 0 ? 'net-unreachable' : icmp.code === 1 ? 'host-unreachable' : undefined;
    if (err) s.icmp(err);
  }

  reset(): void {
    for (const s of [...this.socks.values()]) s.finish();
    this.socks.clear();
    this.listeners.clear();
  }

  private findListener(addr: Ip, port: number): TcpListener | undefined {
    const list = this.listeners.get(port);
    if (!list) return undefined;
    return list.find((l) => l.addr === addr) ?? list.find((l) => l.addr === 0);
  }
}
